"""Reads on the referrals the region's municipalities send it: the inbox and the referrals waiting
for a pop-up session, nearest a site first."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from municipalities.models import Referral
from outreach.models import Postcode, Region
from regions.models import PopupSession
from regions.selectors.sessions import distance_km


def referrals_of(region: Region) -> QuerySet[Referral]:
    return Referral.objects.filter(region=region).select_related(
        "citizen__target_group", "municipality", "visitation", "product"
    )


def inbox(
    region: Region,
    *,
    status: str,
    pathway: str = "",
    municipality_code: str = "",
    waiting_days: int | None = None,
) -> QuerySet[Referral]:
    """The region's referrals in ``status``, those waiting longest first."""
    referrals = referrals_of(region).filter(status=status)
    if pathway:
        referrals = referrals.filter(pathway=pathway)
    if municipality_code:
        referrals = referrals.filter(municipality__code=municipality_code)
    if waiting_days:
        referrals = referrals.filter(
            status_changed_at__lte=timezone.now() - timedelta(days=waiting_days)
        )
    return referrals.order_by("status_changed_at", "pk")


def waiting_for_session(region: Region, session: PopupSession) -> list[tuple[Referral, float]]:
    """Accepted pop-up referrals without a time that may be booked into ``session``, nearest the
    session's site first (by the citizen's postcode), with the distance in km (None when the
    postcode is unknown). A dose 2 waits for a session with its dose-1 product, on or after its
    earliest day."""
    referrals = list(
        referrals_of(region)
        .filter(pathway=Referral.Pathway.POPUP, status=Referral.Status.ACCEPTED)
        .filter(Q(product__isnull=True) | Q(product=session.product_id))
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=session.date))
        .order_by("status_changed_at", "pk")
    )

    points = Postcode.objects.in_bulk(
        {referral.citizen.postcode for referral in referrals}, field_name="code"
    )
    site = session.site.postcode
    ranked = [
        (
            referral,
            distance_km(points[referral.citizen.postcode], site)
            if referral.citizen.postcode in points
            else None,
        )
        for referral in referrals
    ]
    return sorted(ranked, key=lambda pair: (pair[1] is None, pair[1] or 0))
