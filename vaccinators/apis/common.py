"""What the route-list and session APIs share: the practice from the path, the citizen and
vaccination as a card shows them, the checklist and outcome inputs, and recording an outcome
the way ``vaccinators.views.outcome_steps`` does."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as InputError

from outreach import access
from outreach.models import Outcome, VaccineProduct
from outreach.rest import Conflict, IdField, refused
from vaccinators.views.outcome_steps import chosen_batch

CODE = OpenApiParameter(
    "code",
    str,
    OpenApiParameter.PATH,
    description="The practice's (vaccinator organisation's) code.",
    examples=[OpenApiExample("Lægerne på Nørrebrogade", value="990101")],
)


def practice(request, code: str):
    return access.get_vaccinator_organisation_for_user(request.user, code, "vaccinate")


class VisitCitizenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    masked_cpr = serializers.CharField(help_text="DDMMYY-XXXX: the full number is never shown.")
    age = serializers.IntegerField()
    phone = serializers.CharField()
    guardian_name = serializers.CharField()
    guardian_phone = serializers.CharField()
    guardian_relation = serializers.CharField()


class VisitVaccinationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    dose = serializers.IntegerField()
    batch = serializers.CharField()
    given_at = serializers.DateTimeField()
    observation_until = serializers.SerializerMethodField()

    def get_observation_until(self, record) -> str:
        until = record.given_at + timedelta(minutes=record.observation_minutes)
        return serializers.DateTimeField().to_representation(until)


OUTCOMES = serializers.ChoiceField(choices=[("", "None yet"), *Outcome.choices])


class ChecklistSerializer(serializers.Serializer):
    anaphylaxis_kit = serializers.BooleanField()
    adrenaline = serializers.BooleanField()
    oxygen_or_emergency_plan = serializers.BooleanField()
    it_access = serializers.BooleanField()


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    batch = IdField(
        required=False,
        allow_null=True,
        help_text="The batch's id, for vaccinated; by default the opened vial's, else the first "
        "to expire.",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


def checklist_confirm(confirm: Callable, data) -> None:
    """Confirm the checklist through ``confirm`` (the service, given the place), refusals as the
    API answers them."""
    checklist = ChecklistSerializer(data=data)
    checklist.is_valid(raise_exception=True)
    try:
        confirm(**checklist.validated_data)
    except ValidationError as error:
        raise refused(error) from None


def outcome_record(record: Callable, product: VaccineProduct, data, *, user):
    """Record an outcome through ``record`` (the service for a stop or a booking), as the phone
    page does: the batch chosen from the product's, refusals as the API answers them."""
    wanted = OutcomeSerializer(data=data)
    wanted.is_valid(raise_exception=True)
    try:
        batch = chosen_batch(product, wanted.validated_data.get("batch"))
    except ValidationError as error:
        raise InputError({"batch": error.messages}) from None
    try:
        return record(
            user=user,
            outcome=wanted.validated_data["outcome"],
            batch=batch,
            note=wanted.validated_data.get("note", ""),
        )
    except ValidationError as error:
        raise refused(error) from None
    except IntegrityError:
        # The database's constraints are the last line against a race the locks missed.
        raise Conflict(
            _("Someone recorded this citizen at the same moment: load the list again.")
        ) from None
