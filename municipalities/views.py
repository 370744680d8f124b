from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from municipalities import exports, selectors, services
from municipalities.forms import SsiListUploadForm
from municipalities.models import SsiListImport
from outreach import access
from outreach import selectors as kernel_selectors


@login_required
def worklist(request, code: str):
    municipality = access.get_municipality_for_user(request.user, code, "work_cases")
    return render(
        request,
        "municipalities/worklist.html",
        {
            "municipality": municipality,
            "may_lead": access.may(request.user, "view_municipal_dashboard", municipality),
        },
    )


@login_required
def dashboard(request, code: str):
    municipality = access.get_municipality_for_user(request.user, code, "view_municipal_dashboard")
    return render(
        request,
        "municipalities/dashboard.html",
        {"municipality": municipality, "members": kernel_selectors.members_of(municipality)},
    )


@login_required
def import_list(request, code: str):
    """The municipality's SSI lists, newest first, and the form to upload this week's."""
    municipality = access.get_municipality_for_user(request.user, code, "work_cases")
    form = SsiListUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            return _receive_upload(request, municipality, form)
        status = 422
    else:
        status = 200
    return render(
        request,
        "municipalities/import_list.html",
        {
            "municipality": municipality,
            "form": form,
            "imports": selectors.imports_of_municipality(municipality),
            "may_lead": access.may(request.user, "view_municipal_dashboard", municipality),
        },
        status=status,
    )


def _receive_upload(request, municipality, form):
    list_import, created = services.ssi_list_import_receive_upload(
        upload=form.cleaned_data["file"],
        source=SsiListImport.Source.UPLOAD,
        municipality=municipality,
        week=form.cleaned_data["week"],
        uploaded_by=request.user,
    )
    if not created:
        messages.info(request, _("This file was imported before; here is that import."))
        if list_import.municipality_id != municipality.pk:
            return redirect("municipalities:import-list", code=municipality.code)
    else:
        services.ssi_list_import_enqueue(list_import)
    return redirect("municipalities:import-detail", code=municipality.code, pk=list_import.pk)


def _get_import(request, code: str, pk: int) -> tuple:
    municipality = access.get_municipality_for_user(request.user, code, "work_cases")
    list_import = access.get_owned(
        SsiListImport.objects.all(), owner=municipality, owner_field="municipality", pk=pk
    )
    return municipality, list_import


@login_required
def import_detail(request, code: str, pk: int):
    municipality, list_import = _get_import(request, code, pk)
    return render(
        request,
        "municipalities/import_detail.html",
        {
            "municipality": municipality,
            "list_import": list_import,
            "errors": list_import.errors.all()[:100],
            "may_lead": access.may(request.user, "view_municipal_dashboard", municipality),
        },
    )


@require_GET
@login_required
def import_status(request, code: str, pk: int):
    """The progress fragment, polled while the import runs."""
    municipality, list_import = _get_import(request, code, pk)
    response = render(
        request,
        "municipalities/_import_status.html",
        {"municipality": municipality, "list_import": list_import},
    )
    if list_import.is_finished and request.htmx:
        # The whole page shows the report now: reload it once.
        response["HX-Refresh"] = "true"
    return response


@require_GET
@login_required
def import_errors_csv(request, code: str, pk: int):
    municipality, list_import = _get_import(request, code, pk)
    body = exports.csv_text(
        [_("Line"), _("CPR (masked)"), _("Reason")],
        list_import.errors.values_list("line", "masked_cpr", "reason").order_by("line"),
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="ssi-errors-{municipality.code}-{list_import.week}.csv"'
    )
    return response
