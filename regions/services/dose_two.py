"""Dose 2 into the pools: the daily job that sends citizens whose dose 2 falls due back to their
region, on the pathway of dose 1 and with the dose-1 product (DESIGN.md §1, §6).

The dose-2 window comes from the product's intervals in force (``VaccinationRecord.
dose_two_window``); a citizen joins the pool ``DOSE_TWO_LEAD_DAYS`` before its earliest day, so
the coordinators can plan the visit or the session in time. Running it twice changes nothing.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone

from municipalities.models import Referral
from municipalities.services.cases import NoDoseOneReferral, referral_for_dose_two
from outreach.models import VaccinationRecord, VaccineProduct

logger = logging.getLogger(__name__)


def dose_two_candidates(*, today: date) -> list[VaccinationRecord]:
    """Valid dose-1 records whose dose-2 window opens within the lead time (or has opened), of
    citizens with no valid dose 2, no active referral and no dose-2 referral a person has ended
    (returned by the region or withdrawn by the municipality: the job does not undo a decision)."""
    horizon = today + timedelta(days=settings.DOSE_TWO_LEAD_DAYS)
    shortest = VaccineProduct.objects.aggregate(days=Min("interval_min_days"))["days"]
    if shortest is None:
        return []
    # No dose-1 record given after this can have a window opening by the horizon, whatever its
    # product: a cheap bound in SQL, the exact interval per product below.
    given_before = timezone.make_aware(
        datetime.combine(horizon - timedelta(days=shortest) + timedelta(days=1), time.min)
    )
    dose_two_given = VaccinationRecord.objects.valid().filter(dose=2).values("citizen_id")
    busy = Referral.objects.filter(
        Q(status__in=Referral.ACTIVE)
        | Q(dose=2, status__in=(Referral.Status.RETURNED, Referral.Status.WITHDRAWN))
    ).values("citizen_id")
    records = (
        VaccinationRecord.objects.valid()
        .filter(dose=1, given_at__lt=given_before)
        .exclude(citizen_id__in=dose_two_given)
        .exclude(citizen_id__in=busy)
        .select_related("product")
        .order_by("given_at", "pk")
    )
    return [record for record in records if record.dose_two_window()[0] <= horizon]


def dose_two_referrals_create(*, today: date) -> int:
    """Refer every citizen whose dose 2 falls due (``dose_two_candidates``) to their region for
    dose 2. Each referral is its own transaction, so one citizen's problem stops nobody else's.
    Returns the number of referrals made; citizens without a completed dose-1 referral to follow
    are skipped, counted and logged (by number only)."""
    created = skipped = 0
    for record in dose_two_candidates(today=today):
        try:
            referral = referral_for_dose_two(record=record)
        except NoDoseOneReferral:
            skipped += 1
            continue
        if referral is not None:
            created += 1
    logger.info(
        "dose 2 into the pools: %s referred, %s without a dose-1 referral", created, skipped
    )
    return created
