"""The caseworker's tasks and citizens over the API, as on the worklist and the case page.

``GET .../municipalities/<code>/tasks/`` is the worklist: the same filters, the same priority
order, a page at a time (``after`` = the last task's id, from the ``next`` link). A task's and a
citizen's detail show the masked CPR number only; the full number never leaves through the API.
``POST .../municipalities/<code>/cpr-search/`` finds a citizen's task by CPR number (a POST, so
the number is in no URL). Every answer that shows citizens writes their access events in the same
transaction as its read.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from municipalities.forms import CprSearchForm
from municipalities.models import ContactTask
from municipalities.models.tasks import GROUP_PRIORITY
from municipalities.selectors import cases as case_selectors
from municipalities.selectors import worklist as selectors
from outreach import access, cpr
from outreach.models import AccessEvent, Citizen
from outreach.rest import IdField, errors
from outreach.services import access_event_record, access_events_record_each

CODE = OpenApiParameter(
    "code",
    str,
    OpenApiParameter.PATH,
    description="The municipality's code.",
    examples=[OpenApiExample("København", value="101")],
)
PURPOSE = "Casework (API)"


def _municipality(request, code: str):
    return access.get_municipality_for_user(request.user, code, "work_cases")


# Output ----------------------------------------------------------------------------------------


class CitizenSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    masked_cpr = serializers.CharField(help_text="DDMMYY-XXXX: the full number is never shown.")
    birth_date = serializers.DateField()
    target_group = serializers.IntegerField(source="target_group_id")


class CitizenSerializer(CitizenSummarySerializer):
    sex = serializers.CharField()
    street = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    phone = serializers.CharField()
    guardian_name = serializers.CharField()
    guardian_phone = serializers.CharField()
    guardian_relation = serializers.CharField()


def _username(user) -> str | None:
    return user.username if user is not None else None


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ContactTask.Status.choices)
    stage = serializers.ChoiceField(choices=ContactTask.Stage.choices)
    close_reason = serializers.ChoiceField(choices=ContactTask.CloseReason.choices)
    priority = serializers.IntegerField()
    invited_on = serializers.DateField()
    due_on = serializers.DateField(allow_null=True)
    attempts = serializers.IntegerField()
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    last_attempt_reached = serializers.BooleanField(allow_null=True)
    referral_status = serializers.CharField()
    call_later_at = serializers.DateTimeField(allow_null=True)
    assigned_to = serializers.SerializerMethodField()
    claimed_by = serializers.SerializerMethodField()
    citizen = CitizenSummarySerializer()

    def get_assigned_to(self, task) -> str | None:
        return _username(task.assigned_to)

    def get_claimed_by(self, task) -> str | None:
        """Who holds the claim now (null when unclaimed or the lease ran out)."""
        return _username(task.claim_holder())


class VaccinationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    dose = serializers.IntegerField()
    product = serializers.CharField(source="product.name")
    batch = serializers.CharField()
    given_at = serializers.DateTimeField()
    valid = serializers.BooleanField(source="is_valid")


class ReferralSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    pathway = serializers.CharField()
    status = serializers.CharField()
    dose = serializers.IntegerField()
    scheduled_for = serializers.DateTimeField(allow_null=True)


class TaskDetailSerializer(TaskSerializer):
    """The schema of a task's detail (the view puts its parts together)."""

    citizen = CitizenSerializer()
    referral = ReferralSerializer(allow_null=True)
    vaccinations = VaccinationSerializer(many=True)


class TaskPageSerializer(serializers.Serializer):
    results = TaskSerializer(many=True)
    next = serializers.URLField(allow_null=True, help_text="The next page, null on the last.")


class CitizenDetailSerializer(CitizenSerializer):
    """The schema of a citizen's detail (the view puts its parts together)."""

    tasks = serializers.ListField(
        child=serializers.IntegerField(), help_text="Task ids, newest first."
    )
    vaccinations = VaccinationSerializer(many=True)


class CprSearchResultSerializer(serializers.Serializer):
    found = serializers.BooleanField()
    task = TaskSerializer(allow_null=True)
    task_url = serializers.URLField(allow_null=True)
    message = serializers.CharField()


# Views -----------------------------------------------------------------------------------------


class TaskListApi(APIView):
    class TaskFilterSerializer(serializers.Serializer):
        STAGES = list(dict.fromkeys(["todo", "open", "closed", *ContactTask.Stage.values]))

        stage = serializers.ChoiceField(
            choices=STAGES,
            required=False,
            help_text="todo (the default: the municipality has the next move), open, closed, "
            "or one stage.",
        )
        target_group = serializers.ChoiceField(choices=sorted(GROUP_PRIORITY), required=False)
        age_band = serializers.ChoiceField(choices=list(selectors.AGE_BANDS), required=False)
        overdue = serializers.BooleanField(required=False, default=False)
        assignee = serializers.RegexField(
            r"^(me|none|[0-9]{1,18})$",
            required=False,
            help_text="me, none, or a colleague's user id.",
        )
        call_later = serializers.ChoiceField(choices=["due", "waiting"], required=False)
        name = serializers.CharField(required=False, max_length=100, allow_blank=True)
        after = IdField(required=False, help_text="The last task of the page before.")

    @extend_schema(
        operation_id="tasks_list",
        summary="The worklist: a municipality's tasks in priority order, filtered",
        parameters=[CODE, TaskFilterSerializer],
        responses={200: TaskPageSerializer, **errors(400, 403, 404)},
    )
    def get(self, request, code: str):
        municipality = _municipality(request, code)
        query = self.TaskFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        wanted = selectors.WorklistFilter(
            stage=data.get("stage") or "todo",
            target_group=data.get("target_group"),
            age_band=data.get("age_band", ""),
            overdue=data["overdue"],
            assignee=data.get("assignee", ""),
            call_later=data.get("call_later", ""),
            name=data.get("name", "").strip(),
        )
        with transaction.atomic():
            tasks = selectors.filtered_tasks(municipality, wanted, user=request.user)
            rows, next_after = selectors.worklist_page(tasks, after_id=data.get("after"))
            if wanted.name:
                access_event_record(
                    user=request.user,
                    organisation=municipality,
                    action=AccessEvent.Action.SEARCH,
                    detail=_("name: %(name)s (%(count)s shown)")
                    % {"name": wanted.name, "count": len(rows)},
                )
            access_events_record_each(
                user=request.user,
                organisation=municipality,
                action=AccessEvent.Action.LIST,
                citizen_ids=[task.citizen_id for task in rows],
                purpose=PURPOSE,
            )
        next_url = None
        if next_after is not None:
            params = request.query_params.copy()
            params["after"] = str(next_after)
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        return Response(
            TaskPageSerializer({"results": rows, "next": next_url}).data,
        )


class TaskDetailApi(APIView):
    @extend_schema(
        operation_id="tasks_read",
        summary="A task (the case): the citizen, the referral and the vaccinations",
        parameters=[CODE],
        responses={200: TaskDetailSerializer, **errors(403, 404)},
    )
    def get(self, request, code: str, pk: int):
        municipality = _municipality(request, code)
        with transaction.atomic():
            task = access.get_owned(
                case_selectors.tasks_of(municipality),
                owner=municipality,
                owner_field="municipality",
                pk=pk,
            )
            referral = case_selectors.active_referral(task)
            records = case_selectors.vaccination_history(task.citizen_id).records
            access_event_record(
                user=request.user,
                organisation=municipality,
                citizen=task.citizen,
                action=AccessEvent.Action.VIEW,
                purpose=PURPOSE,
            )
        return Response(
            {
                **TaskSerializer(task).data,
                "citizen": CitizenSerializer(task.citizen).data,
                "referral": ReferralSerializer(referral).data if referral else None,
                "vaccinations": VaccinationSerializer(records, many=True).data,
            }
        )


class CitizenDetailApi(APIView):
    @extend_schema(
        operation_id="citizens_read",
        summary="A citizen of the municipality, by internal id (masked CPR only)",
        parameters=[CODE],
        responses={200: CitizenDetailSerializer, **errors(403, 404)},
    )
    def get(self, request, code: str, pk: int):
        municipality = _municipality(request, code)
        with transaction.atomic():
            citizen = access.get_owned(
                Citizen.objects.all(), owner=municipality, owner_field="municipality", pk=pk
            )
            task_ids = list(
                ContactTask.objects.filter(municipality=municipality, citizen=citizen)
                .order_by("-opened_at", "-pk")
                .values_list("pk", flat=True)
            )
            records = case_selectors.vaccination_history(citizen.pk).records
            access_event_record(
                user=request.user,
                organisation=municipality,
                citizen=citizen,
                action=AccessEvent.Action.VIEW,
                purpose=PURPOSE,
            )
        return Response(
            {
                **CitizenSerializer(citizen).data,
                "tasks": task_ids,
                "vaccinations": VaccinationSerializer(records, many=True).data,
            }
        )


class CprSearchApi(APIView):
    class CprSearchSerializer(serializers.Serializer):
        cpr = serializers.RegexField(
            r"^[0-9]{6}-?[0-9]{4}$",
            help_text="10 digits, with or without a hyphen. Never in a URL.",
            error_messages={"invalid": gettext_lazy("Enter 10 digits, with or without a hyphen.")},
        )

        def validate_cpr(self, value):
            form = CprSearchForm({"cpr": value})
            if not form.is_valid():
                raise serializers.ValidationError(form.errors["cpr"])
            return form.cleaned_data["cpr"]

    @extend_schema(
        operation_id="citizens_cpr_search",
        summary="Find a citizen's task by CPR number (a POST: the number is in no URL)",
        parameters=[CODE],
        request=CprSearchSerializer,
        responses={200: CprSearchResultSerializer, **errors(400, 403, 404)},
    )
    def post(self, request, code: str):
        municipality = _municipality(request, code)
        data = self.CprSearchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cpr_hash = cpr.vault().lookup_hash(data.validated_data["cpr"])
        with transaction.atomic():
            task = (
                case_selectors.tasks_of(municipality)
                .filter(citizen__cpr_hash=cpr_hash)
                .order_by("-opened_at", "-pk")
                .first()
            )
            access_event_record(
                user=request.user,
                organisation=municipality,
                action=AccessEvent.Action.SEARCH,
                citizen=task.citizen if task else None,
                detail=_("CPR search: found") if task else _("CPR search: not found"),
            )
        if task is None:
            result = {
                "found": False,
                "task": None,
                "task_url": None,
                "message": _("No citizen with that CPR number is on %(municipality)s's lists.")
                % {"municipality": municipality.name},
            }
        else:
            url = reverse(
                "municipalities-api:task-detail", kwargs={"code": municipality.code, "pk": task.pk}
            )
            result = {
                "found": True,
                "task": task,
                "task_url": request.build_absolute_uri(url),
                "message": _("Found: %(name)s.") % {"name": task.citizen.name},
            }
        return Response(CprSearchResultSerializer(result).data)
