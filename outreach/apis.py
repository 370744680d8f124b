"""Vaccination records as FHIR R4 ``Immunization`` JSON, for the registry export (ADR 0011).

``GET /api/v1/immunizations/`` answers a ``searchset`` Bundle, a page at a time (``_count``, and a
``next`` link while there is more), filtered by ``date`` (``ge``/``le``/``gt``/``lt``/``eq`` on the
occurrence, repeatable) and ``status``; ``GET /api/v1/immunizations/<id>/`` one resource. Token
authentication (``Authorization: Token ...``) or a session, scoped by ``outreach.access`` like
every page: a record outside the caller's scope is a 404. Each citizen exported leaves an access
event (action export) in the same transaction as the read.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from outreach import access, fhir
from outreach.models import AccessEvent, VaccinationRecord
from outreach.services import access_events_record_each

DEFAULT_COUNT = 50
MAX_COUNT = 200
PURPOSE = "FHIR Immunization export"
ISSUE_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
}
FORBIDDEN = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="An OperationOutcome: the caller may not read vaccination records.",
)
DATE_PREFIXES = ("eq", "ge", "le", "gt", "lt")
STATUSES = ("completed", "entered-in-error")


class FhirJsonRenderer(JSONRenderer):
    media_type = "application/fhir+json"
    format = "fhir"


class FhirOnly(BaseContentNegotiation):
    """FHIR JSON whatever the client's Accept header says (``application/json`` included): the
    resource has one representation."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class FhirApiView(APIView):
    renderer_classes = [FhirJsonRenderer]
    content_negotiation_class = FhirOnly

    def handle_exception(self, exc):
        """Errors as an ``OperationOutcome`` (status and headers, WWW-Authenticate included, as
        DRF made them)."""
        response = super().handle_exception(exc)
        data = response.data
        if isinstance(data, dict) and "detail" in data:
            text = str(data["detail"])
        elif isinstance(data, dict):
            text = "; ".join(
                f"{field}: {' '.join(map(str, errors if isinstance(errors, list) else [errors]))}"
                for field, errors in data.items()
            )
        else:
            text = " ".join(map(str, data if isinstance(data, list) else [data]))
        response.data = fhir.operation_outcome(
            code=ISSUE_CODES.get(response.status_code, "exception"), diagnostics=text
        )
        return response


def _reader(user):
    """The organisation in whose name the caller reads records; 403 for a user with no right to
    read any (an auditor, say)."""
    organisation = access.vaccination_record_reader(user)
    if organisation is None:
        raise PermissionDenied(_("You may not read vaccination records."))
    return organisation


def _log(user, organisation, records: list[VaccinationRecord]) -> None:
    if records:
        access_events_record_each(
            user=user,
            organisation=organisation,
            action=AccessEvent.Action.EXPORT,
            citizen_ids=[record.citizen_id for record in records],
            purpose=PURPOSE,
        )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _date_filter(value: str) -> Q:
    """One ``date`` search value (FHIR: an optional prefix, then a date or a date-time) as a
    condition on the occurrence. A date is the Danish day from midnight to midnight."""
    prefix, rest = (value[:2], value[2:]) if value[:2] in DATE_PREFIXES else ("eq", value)
    try:
        day = date.fromisoformat(rest)
    except ValueError:
        day = None
    if day is not None:
        start, end = _day_start(day), _day_start(day + timedelta(days=1))
        return {
            "eq": Q(given_at__gte=start, given_at__lt=end),
            "ge": Q(given_at__gte=start),
            "gt": Q(given_at__gte=end),
            "le": Q(given_at__lt=end),
            "lt": Q(given_at__lt=start),
        }[prefix]
    moment = parse_datetime(rest)
    if moment is None:
        raise ValidationError(
            {"date": _("Use a date (2021-03-15) or a date and time, with ge, le, gt, lt or eq.")}
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    lookup = {"eq": "", "ge": "__gte", "gt": "__gt", "le": "__lte", "lt": "__lt"}[prefix]
    return Q(**{f"given_at{lookup}": moment})


def _filtered(records: QuerySet, params) -> QuerySet:
    for value in params.getlist("date"):
        records = records.filter(_date_filter(value.strip()))
    statuses = {part.strip() for value in params.getlist("status") for part in value.split(",")}
    if statuses - set(STATUSES):
        raise ValidationError({"status": _("Use completed or entered-in-error.")})
    if statuses == {"completed"}:
        records = records.filter(invalidated_at__isnull=True)
    elif statuses == {"entered-in-error"}:
        records = records.filter(invalidated_at__isnull=False)
    return records


def _whole_number(params, name: str, default: int | None, *, maximum: int | None = None):
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        number = int(raw)
    except ValueError:
        number = -1
    if number < 0 or (maximum is not None and number > maximum):
        raise ValidationError(
            {name: _("Use a whole number from 0 to %(maximum)s.") % {"maximum": maximum}}
            if maximum is not None
            else {name: _("Use a whole number.")}
        )
    return number


def _detail_url(request, record: VaccinationRecord) -> str:
    return request.build_absolute_uri(
        reverse("outreach-api:immunization-detail", kwargs={"pk": record.pk})
    )


def _page_url(request, **changes) -> str:
    query = request.query_params.copy()
    for name, value in changes.items():
        query[name] = str(value)
    url = request.build_absolute_uri(request.path)
    return f"{url}?{query.urlencode()}" if query else url


class ImmunizationListApi(FhirApiView):
    @extend_schema(
        operation_id="immunizations_search",
        summary="Search vaccination records as FHIR R4 Immunization resources",
        parameters=[
            OpenApiParameter(
                "date",
                str,
                many=True,
                description="The occurrence, with a prefix: ge2021-03-01, le2021-03-31, "
                "eq2021-03-15 (a Danish calendar day) or a date and time. Repeat to combine.",
            ),
            OpenApiParameter(
                "status", str, description="completed, entered-in-error, or both (comma)."
            ),
            OpenApiParameter(
                "_count",
                int,
                description=f"Entries per page ({DEFAULT_COUNT}; at most {MAX_COUNT}).",
            ),
            OpenApiParameter(
                "_after", int, description="Where the page starts: follow the Bundle's next link."
            ),
        ],
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="A FHIR Bundle (type searchset) of Immunization resources. No CPR "
                "number or name: patient is a logical reference to the citizen's internal id.",
            ),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="An OperationOutcome."),
            403: FORBIDDEN,
        },
    )
    def get(self, request):
        organisation = _reader(request.user)
        params = request.query_params
        count = _whole_number(params, "_count", DEFAULT_COUNT, maximum=MAX_COUNT)
        after = _whole_number(params, "_after", None)
        records = _filtered(access.vaccination_records_visible_to(request.user), params)
        with transaction.atomic():
            total = records.count()
            page = fhir.for_export(records.order_by("pk"))
            if after is not None:
                page = page.filter(pk__gt=after)
            rows = list(page[: count + 1]) if count else []
            more, rows = len(rows) > count, rows[:count]
            _log(request.user, organisation, rows)
        links = {"self": _page_url(request)}
        if more:
            links["next"] = _page_url(request, _after=rows[-1].pk)
        body = fhir.bundle(
            entries=[(_detail_url(request, record), fhir.immunization(record)) for record in rows],
            total=total,
            links=links,
        )
        return Response(body)


class ImmunizationDetailApi(FhirApiView):
    @extend_schema(
        operation_id="immunizations_read",
        summary="One vaccination record as a FHIR R4 Immunization",
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="A FHIR Immunization."),
            403: FORBIDDEN,
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="An OperationOutcome."),
        },
    )
    def get(self, request, pk: int):
        organisation = _reader(request.user)
        with transaction.atomic():
            record = access.get_from(
                fhir.for_export(access.vaccination_records_visible_to(request.user)), pk=pk
            )
            _log(request.user, organisation, [record])
        return Response(fhir.immunization(record), status=http.HTTP_200_OK)
