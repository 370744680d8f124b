"""The vaccinator's route lists: the lists published to the practice's vaccinators, a list with
its stops, the safety checklist and the outcome of a stop."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from outreach.models import AccessEvent
from outreach.rest import errors
from outreach.services import access_event_record
from vaccinators.apis.common import (
    CODE,
    OUTCOMES,
    ChecklistSerializer,
    OutcomeSerializer,
    VisitCitizenSerializer,
    VisitVaccinationSerializer,
    checklist_confirm,
    outcome_record,
    practice,
)
from vaccinators.models import RouteList, SafetyChecklist
from vaccinators.selectors.routes import (
    practice_route_list,
    route_lists_for_practice,
    route_stop,
    route_stops,
)
from vaccinators.services import outcomes
from vaccinators.views.outcome_steps import outcome_message
from vaccinators.views.route_lists import address_and_map

# Output ----------------------------------------------------------------------------------------


class RouteListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    status = serializers.ChoiceField(choices=RouteList.Status.choices)
    product = serializers.CharField(source="product.name")
    vials = serializers.IntegerField()
    starts_at = serializers.DateTimeField(help_text="Leaves the practice.")
    ends_at = serializers.DateTimeField(help_text="Back at the practice.")
    stop_count = serializers.IntegerField()
    rule_conflict = serializers.CharField(help_text="Empty unless the rules changed since.")


class StopSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    planned_arrival = serializers.DateTimeField()
    dose = serializers.IntegerField()
    vial_number = serializers.IntegerField()
    citizen = VisitCitizenSerializer()
    address = serializers.SerializerMethodField()
    access_notes = serializers.SerializerMethodField()
    severe_allergy = serializers.SerializerMethodField(
        help_text="An earlier severe allergic reaction: observe longer."
    )
    rule_conflict = serializers.CharField()
    outcome = OUTCOMES
    outcome_at = serializers.DateTimeField(allow_null=True)
    outcome_note = serializers.CharField()
    vaccination = VisitVaccinationSerializer(allow_null=True)

    def get_address(self, stop) -> str:
        return address_and_map(stop.citizen)[0]

    def get_access_notes(self, stop) -> str:
        return stop.referral.visitation.access_notes

    def get_severe_allergy(self, stop) -> bool:
        return stop.referral.visitation.severe_allergy


class RouteListDetailSerializer(RouteListSerializer):
    checklist_confirmed = serializers.BooleanField(
        help_text="Outcomes can be recorded once the safety checklist is confirmed."
    )
    stops = StopSerializer(many=True, source="stops_shown")


class OutcomeResultSerializer(serializers.Serializer):
    stop = StopSerializer()
    message = serializers.CharField()


# Views -----------------------------------------------------------------------------------------


class RouteListListApi(APIView):
    @extend_schema(
        operation_id="route_lists_list",
        summary="The practice's route lists published to the caller: today's and coming days'",
        parameters=[CODE],
        responses={200: RouteListSerializer(many=True), **errors(403, 404)},
    )
    def get(self, request, code: str):
        organisation = practice(request, code)
        route_lists = route_lists_for_practice(request.user, organisation)
        return Response(RouteListSerializer(route_lists, many=True).data)


def _detail(request, organisation, route_list: RouteList) -> dict:
    """The list with its stops, and the access event for the citizens it shows, in the same
    transaction as the read (as the route page writes)."""
    with transaction.atomic():
        stops = route_stops(route_list)
        access_event_record(
            user=request.user,
            organisation=organisation,
            action=AccessEvent.Action.LIST,
            purpose=_("Route list"),
            detail=str(len(stops)),
        )
    route_list.stops_shown = stops
    route_list.stop_count = len(stops)
    route_list.checklist_confirmed = SafetyChecklist.objects.filter(route_list=route_list).exists()
    return RouteListDetailSerializer(route_list).data


class RouteListDetailApi(APIView):
    @extend_schema(
        operation_id="route_lists_read",
        summary="A route list with its stops (masked CPR numbers only)",
        parameters=[CODE],
        responses={200: RouteListDetailSerializer, **errors(403, 404)},
    )
    def get(self, request, code: str, pk: int):
        organisation = practice(request, code)
        route_list = practice_route_list(request.user, organisation, pk)
        return Response(_detail(request, organisation, route_list))


class ChecklistApi(APIView):
    @extend_schema(
        operation_id="route_lists_checklist_confirm",
        summary="Confirm the safety checklist: every item must be true; starts the route",
        parameters=[CODE],
        request=ChecklistSerializer,
        responses={200: RouteListDetailSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request, code: str, pk: int):
        organisation = practice(request, code)
        route_list = practice_route_list(request.user, organisation, pk)
        checklist_confirm(
            partial(outcomes.checklist_confirm, route_list=route_list, user=request.user),
            request.data,
        )
        route_list.refresh_from_db()
        return Response(_detail(request, organisation, route_list))


class StopOutcomeApi(APIView):
    @extend_schema(
        operation_id="route_stops_outcome_record",
        summary="Record what came of a home visit (one outcome per stop, after the checklist)",
        parameters=[CODE],
        request=OutcomeSerializer,
        responses={201: OutcomeResultSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request, code: str, pk: int, stop_pk: int):
        organisation = practice(request, code)
        route_list = practice_route_list(request.user, organisation, pk)
        stop = route_stop(route_list, stop_pk)
        stop = outcome_record(
            partial(outcomes.stop_outcome_record, stop=stop),
            route_list.product,
            request.data,
            user=request.user,
        )
        with transaction.atomic():
            stop = route_stop(route_list, stop.pk)
            access_event_record(
                user=request.user,
                organisation=organisation,
                citizen=stop.citizen,
                action=AccessEvent.Action.VIEW,
                purpose=_("Route list"),
            )
        message = outcome_message(stop.citizen.name, stop.outcome, stop.vaccination)
        return Response(
            OutcomeResultSerializer({"stop": stop, "message": message}).data,
            status=status.HTTP_201_CREATED,
        )
