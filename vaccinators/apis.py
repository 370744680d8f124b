"""The vaccinator's route lists over the API, as on the phone pages: the lists published to the
practice's vaccinators, a list with its stops, the safety checklist and the outcome of a stop.

Each view finds the practice, the list and the stop through the same access calls and selectors
as the pages, and records through the same services (``vaccinators.services.outcomes``): the
checklist gate, one outcome per stop and the row locks hold here too. A refusal because of the
state of things (no checklist yet, an outcome already recorded, a route not under way) is a 409
with the service's message; a wrong batch or missing checklist item a 400 naming the field.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as InputError
from rest_framework.response import Response
from rest_framework.views import APIView

from outreach import access
from outreach.models import AccessEvent, Outcome
from outreach.rest import Conflict, IdField, errors, refused
from outreach.services import access_event_record
from vaccinators.models import RouteList, SafetyChecklist
from vaccinators.selectors.routes import (
    practice_route_list,
    route_lists_for_practice,
    route_stop,
    route_stops,
)
from vaccinators.services import outcomes
from vaccinators.views.outcome_steps import chosen_batch, outcome_message
from vaccinators.views.route_lists import address_and_map

CODE = OpenApiParameter(
    "code",
    str,
    OpenApiParameter.PATH,
    description="The practice's (vaccinator organisation's) code.",
    examples=[OpenApiExample("Lægerne på Nørrebrogade", value="990101")],
)


def _practice(request, code: str):
    return access.get_vaccinator_organisation_for_user(request.user, code, "vaccinate")


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


class StopCitizenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    masked_cpr = serializers.CharField(help_text="DDMMYY-XXXX: the full number is never shown.")
    age = serializers.IntegerField()
    phone = serializers.CharField()
    guardian_name = serializers.CharField()
    guardian_phone = serializers.CharField()
    guardian_relation = serializers.CharField()


class StopVaccinationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    dose = serializers.IntegerField()
    batch = serializers.CharField()
    given_at = serializers.DateTimeField()
    observation_until = serializers.SerializerMethodField()

    def get_observation_until(self, record) -> str:
        until = record.given_at + timedelta(minutes=record.observation_minutes)
        return serializers.DateTimeField().to_representation(until)


class StopSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    planned_arrival = serializers.DateTimeField()
    dose = serializers.IntegerField()
    vial_number = serializers.IntegerField()
    citizen = StopCitizenSerializer()
    address = serializers.SerializerMethodField()
    access_notes = serializers.SerializerMethodField()
    severe_allergy = serializers.SerializerMethodField(
        help_text="An earlier severe allergic reaction: observe longer."
    )
    rule_conflict = serializers.CharField()
    outcome = serializers.ChoiceField(choices=[("", "None yet"), *Outcome.choices])
    outcome_at = serializers.DateTimeField(allow_null=True)
    outcome_note = serializers.CharField()
    vaccination = StopVaccinationSerializer(allow_null=True)

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
        organisation = _practice(request, code)
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
        organisation = _practice(request, code)
        route_list = practice_route_list(request.user, organisation, pk)
        return Response(_detail(request, organisation, route_list))


class ChecklistApi(APIView):
    class ChecklistSerializer(serializers.Serializer):
        anaphylaxis_kit = serializers.BooleanField()
        adrenaline = serializers.BooleanField()
        oxygen_or_emergency_plan = serializers.BooleanField()
        it_access = serializers.BooleanField()

    @extend_schema(
        operation_id="route_lists_checklist_confirm",
        summary="Confirm the safety checklist: every item must be true; starts the route",
        parameters=[CODE],
        request=ChecklistSerializer,
        responses={200: RouteListDetailSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request, code: str, pk: int):
        organisation = _practice(request, code)
        route_list = practice_route_list(request.user, organisation, pk)
        data = self.ChecklistSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            outcomes.checklist_confirm(
                route_list=route_list, user=request.user, **data.validated_data
            )
        except ValidationError as error:
            raise refused(error) from None
        route_list.refresh_from_db()
        return Response(_detail(request, organisation, route_list))


class StopOutcomeApi(APIView):
    class OutcomeSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=Outcome.choices)
        batch = IdField(
            required=False,
            allow_null=True,
            help_text="The batch's id, for vaccinated; by default the stop's opened vial's, "
            "else the first to expire.",
        )
        note = serializers.CharField(required=False, allow_blank=True, max_length=500)

    @extend_schema(
        operation_id="route_stops_outcome_record",
        summary="Record what came of a home visit (one outcome per stop, after the checklist)",
        parameters=[CODE],
        request=OutcomeSerializer,
        responses={201: OutcomeResultSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request, code: str, pk: int, stop_pk: int):
        organisation = _practice(request, code)
        route_list = practice_route_list(request.user, organisation, pk)
        stop = route_stop(route_list, stop_pk)
        data = self.OutcomeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        wanted = data.validated_data
        try:
            batch = chosen_batch(route_list.product, wanted.get("batch"))
        except ValidationError as error:
            raise InputError({"batch": error.messages}) from None
        try:
            stop = outcomes.stop_outcome_record(
                stop=stop,
                user=request.user,
                outcome=wanted["outcome"],
                batch=batch,
                note=wanted.get("note", ""),
            )
        except ValidationError as error:
            raise refused(error) from None
        except IntegrityError:
            # The database's constraints are the last line against a race the locks missed.
            raise Conflict(
                _("Someone recorded this citizen at the same moment: load the route again.")
            ) from None
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
