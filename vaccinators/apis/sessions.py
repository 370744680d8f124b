"""The vaccinator's pop-up sessions: those the practice runs from today, a session's list of
booked citizens, the safety checklist and the outcome of a booking, as on the session page."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from outreach.models import AccessEvent
from outreach.rest import errors
from outreach.services import access_event_record
from regions.models import PopupSession, SessionBooking
from regions.selectors.sessions import sessions_run_by
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
from vaccinators.models import SafetyChecklist
from vaccinators.selectors.routes import practice_session, session_booking, session_bookings
from vaccinators.services import outcomes
from vaccinators.views.outcome_steps import outcome_message


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    # Wall-clock times in Denmark (a schema "time" would demand a UTC offset).
    starts_at = serializers.CharField(help_text="Local time, HH:MM:SS.")
    ends_at = serializers.CharField(help_text="Local time, HH:MM:SS.")
    status = serializers.ChoiceField(choices=PopupSession.Status.choices)
    site = serializers.CharField(source="site.name")
    product = serializers.CharField(source="product.name")
    capacity = serializers.IntegerField()
    booked = serializers.IntegerField()
    rule_conflict = serializers.CharField(help_text="Empty unless the rules changed since.")


class BookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slot_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=SessionBooking.Status.choices)
    dose = serializers.IntegerField(source="referral.dose")
    citizen = VisitCitizenSerializer()
    severe_allergy = serializers.BooleanField(
        source="referral.visitation.severe_allergy",
        help_text="An earlier severe allergic reaction: observe longer.",
    )
    rule_conflict = serializers.CharField()
    outcome = OUTCOMES
    outcome_at = serializers.DateTimeField(allow_null=True)
    outcome_note = serializers.CharField()
    vaccination = VisitVaccinationSerializer(allow_null=True)


class SessionDetailSerializer(SessionSerializer):
    checklist_confirmed = serializers.BooleanField(
        help_text="Outcomes can be recorded once the safety checklist is confirmed."
    )
    bookings = BookingSerializer(many=True, source="bookings_shown")


class BookingOutcomeResultSerializer(serializers.Serializer):
    booking = BookingSerializer()
    message = serializers.CharField()


def _detail(request, organisation, session: PopupSession) -> dict:
    """The session with its list, and the access event for the citizens it shows, in the same
    transaction as the read (as the session page writes)."""
    with transaction.atomic():
        bookings = session_bookings(session)
        access_event_record(
            user=request.user,
            organisation=organisation,
            action=AccessEvent.Action.LIST,
            purpose=_("Pop-up session list"),
            detail=str(len(bookings)),
        )
    session.bookings_shown = bookings
    session.checklist_confirmed = SafetyChecklist.objects.filter(popup_session=session).exists()
    return SessionDetailSerializer(session).data


class SessionListApi(APIView):
    @extend_schema(
        operation_id="sessions_list",
        summary="The pop-up sessions the practice runs, from today",
        parameters=[CODE],
        responses={200: SessionSerializer(many=True), **errors(403, 404)},
    )
    def get(self, request, code: str):
        organisation = practice(request, code)
        sessions = sessions_run_by(organisation).filter(date__gte=timezone.localdate())
        return Response(
            SessionSerializer(sessions.order_by("date", "starts_at", "pk"), many=True).data
        )


class SessionDetailApi(APIView):
    @extend_schema(
        operation_id="sessions_read",
        summary="A pop-up session with its booked citizens (masked CPR numbers only)",
        parameters=[CODE],
        responses={200: SessionDetailSerializer, **errors(403, 404)},
    )
    def get(self, request, code: str, pk: int):
        organisation = practice(request, code)
        return Response(_detail(request, organisation, practice_session(organisation, pk)))


class SessionChecklistApi(APIView):
    @extend_schema(
        operation_id="sessions_checklist_confirm",
        summary="Confirm the safety checklist of a pop-up session: every item must be true",
        parameters=[CODE],
        request=ChecklistSerializer,
        responses={200: SessionDetailSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request, code: str, pk: int):
        organisation = practice(request, code)
        session = practice_session(organisation, pk)
        checklist_confirm(
            partial(outcomes.checklist_confirm, popup_session=session, user=request.user),
            request.data,
        )
        return Response(_detail(request, organisation, practice_session(organisation, pk)))


class BookingOutcomeApi(APIView):
    @extend_schema(
        operation_id="session_bookings_outcome_record",
        summary="Record what came of a booking (one outcome per booking, after the checklist)",
        parameters=[CODE],
        request=OutcomeSerializer,
        responses={201: BookingOutcomeResultSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request, code: str, pk: int, booking_pk: int):
        organisation = practice(request, code)
        session = practice_session(organisation, pk)
        booking = outcome_record(
            partial(outcomes.booking_outcome_record, booking=session_booking(session, booking_pk)),
            session.product,
            request.data,
            user=request.user,
        )
        with transaction.atomic():
            booking = session_booking(session, booking.pk)
            access_event_record(
                user=request.user,
                organisation=organisation,
                citizen=booking.citizen,
                action=AccessEvent.Action.VIEW,
                purpose=_("Pop-up session list"),
            )
        message = outcome_message(booking.citizen.name, booking.outcome, booking.vaccination)
        return Response(
            BookingOutcomeResultSerializer({"booking": booking, "message": message}).data,
            status=status.HTTP_201_CREATED,
        )
