"""The vaccine rules page: which product may be used where and for whom on a chosen day, and every
dated rule behind it. Anyone with a role reads it (rules are public guidance); the national
administrator adds and ends rules, and learns how many planned items are then in conflict."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from outreach import access, selectors, services
from outreach.forms import RulesDayForm, VaccineRuleEndForm, VaccineRuleForm
from outreach.models import VaccineRule

RULES_RIGHT = "administer_reference_data"


def _may_edit(user) -> bool:
    return access.holds_national(user, RULES_RIGHT)


def _end_form(rule: VaccineRule, data=None) -> VaccineRuleEndForm:
    today = timezone.localdate()
    return VaccineRuleEndForm(
        data, prefix=f"end-{rule.pk}", initial={"valid_to": max(today, rule.valid_from)}
    )


def _may_end(rule: VaccineRule) -> bool:
    """A rule still to end: open-ended, or ending after today."""
    return rule.valid_to is None or rule.valid_to > timezone.localdate()


def _rules_page(request, *, day_form=None, create_form=None, ending=None, status: int = 200):
    """The page; ``create_form`` is a refused new rule, ``ending`` (rule, form) a refused end,
    each shown again with its errors and what was typed."""
    day_form = day_form or RulesDayForm()
    day = day_form.day()
    may_edit = _may_edit(request.user)
    rules = list(selectors.vaccine_rules_listed())
    end_forms = {}
    if may_edit:
        end_forms = {rule.pk: _end_form(rule) for rule in rules if _may_end(rule)}
        if ending is not None:
            end_forms[ending[0].pk] = ending[1]
    matrices = selectors.vaccine_rule_matrices(day)
    return render(
        request,
        "outreach/vaccine_rules.html",
        {
            "day": day,
            "day_form": day_form,
            "products": [matrix.product for matrix in matrices],
            "matrices": matrices,
            "pathways": VaccineRule.Pathway.choices,
            "rules": [(rule, end_forms.get(rule.pk)) for rule in rules],
            "may_edit": may_edit,
            "create_form": create_form or (VaccineRuleForm() if may_edit else None),
            "ending": ending,
        },
        status=status,
    )


@require_GET
@login_required
def vaccine_rules(request):
    if not access.memberships(request.user):
        raise PermissionDenied
    day_form = RulesDayForm(request.GET or None)
    invalid = day_form.is_bound and not day_form.is_valid()
    return _rules_page(request, day_form=day_form, status=422 if invalid else 200)


def _done(what: str, conflicts: dict[str, int]) -> str:
    """What changed, and how many planned items the rules now refuse (the services count them
    per planning app)."""
    count = sum(conflicts.values())
    if count == 0:
        said = _("No planned item is in conflict with the rules.")
    else:
        said = ngettext(
            "%(count)d planned item is now in conflict with the rules; the coordinators see it "
            "on their region's page.",
            "%(count)d planned items are now in conflict with the rules; the coordinators see "
            "them on their region's page.",
            count,
        ) % {"count": count}
    return f"{what} {said}"


@require_POST
@login_required
def vaccine_rule_create(request):
    if not _may_edit(request.user):
        raise PermissionDenied
    form = VaccineRuleForm(request.POST)
    if form.is_valid():
        try:
            _rule, conflicts = services.vaccine_rule_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _done(_("The rule is added."), conflicts))
            return redirect("outreach:vaccine-rules")
    return _rules_page(request, create_form=form, status=422)


@require_POST
@login_required
def vaccine_rule_end(request, pk: int):
    if not _may_edit(request.user):
        raise PermissionDenied
    rule = access.get_from(VaccineRule.objects.all(), pk=pk)
    form = _end_form(rule, request.POST)
    if form.is_valid():
        try:
            _rule, conflicts = services.vaccine_rule_end(
                rule=rule, user=request.user, valid_to=form.cleaned_data["valid_to"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _done(_("The rule is ended."), conflicts))
            return redirect("outreach:vaccine-rules")
    return _rules_page(request, ending=(rule, form), status=422)
