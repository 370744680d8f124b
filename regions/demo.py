"""The regions' part of the demo world: for each demo region, pop-up sites and sessions, stock in
the store and on its way out, staff on sessions and route days, and the municipalities' accepted
pop-up referrals booked into a session (one per municipality is left waiting), all through the
same services a coordinator's actions go through. Done once per region: a region that already has
pop-up sites is left alone."""

from __future__ import annotations

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from municipalities.models import Referral
from outreach.demo import PRACTICES, REGIONS
from outreach.models import Postcode, Region, User, VaccinatorOrganisation, VaccineProduct
from regions.models import Consumable, PopupSite, StaffMember, StockMovement
from regions.services import route_days, sessions, staff, stock

# region code -> (site name, kind, street, postcode) of its two demo sites
SITES = {
    "1084": [
        ("Nørrebrohallen", PopupSite.Kind.SPORTS_HALL, "Nørrebrogade 208", "2200"),
        ("Valby Kulturhus", PopupSite.Kind.CULTURE_HOUSE, "Valgårdsvej 4", "2500"),
    ],
    "1082": [
        ("Aarhus Sundhedshus", PopupSite.Kind.HEALTH_HOUSE, "Sønder Allé 25", "8000"),
        ("Hasle Idrætshal", PopupSite.Kind.SPORTS_HALL, "Hasle Ringvej 80", "8210"),
    ],
}
STAFF = [
    ("Birgitte Bruun", StaffMember.Role.VACCINATOR),
    ("Ole Opblander", StaffMember.Role.DILUTION),
]


def load(municipality_codes: list[str]) -> list[str]:
    return [_region_load(Region.objects.get(code=code), slug) for code, slug in REGIONS.items()]


@transaction.atomic
def _region_load(region: Region, slug: str) -> str:
    if PopupSite.objects.filter(region=region).exists():
        return f"Pop-up sessions and stock in {region}: already there, left as they are"
    coordinator = User.objects.get(username=f"{slug}.coordinator")
    today = timezone.localdate()
    comirnaty = VaccineProduct.objects.get(code="comirnaty")
    moderna = VaccineProduct.objects.get(code="moderna")
    practices = list(
        VaccinatorOrganisation.objects.filter(
            region=region, code__in=[code for code, *_rest in PRACTICES]
        ).order_by("code")
    )

    sites = [
        sessions.popup_site_create(
            region=region, name=name, kind=kind, street=street,
            postcode=Postcode.objects.get(code=postcode), available_from=today,
            available_to=today + timedelta(days=90),
            access_note="Indgang fra parkeringspladsen; niveaufri adgang.",
        )
        for name, kind, street, postcode in SITES[region.code]
    ]  # fmt: skip
    first = sessions.popup_session_create(
        site=sites[0], day=today + timedelta(days=3), starts_at=time(9), ends_at=time(12),
        product=comirnaty, capacity=24, slot_minutes=15, vaccinator_organisation=practices[0],
    )  # fmt: skip
    sessions.popup_session_create(
        site=sites[1], day=today + timedelta(days=10), starts_at=time(13), ends_at=time(16),
        product=moderna, capacity=30, slot_minutes=15, vaccinator_organisation=practices[-1],
    )  # fmt: skip

    waiting = list(
        Referral.objects.filter(
            region=region, pathway=Referral.Pathway.POPUP, status=Referral.Status.ACCEPTED
        ).order_by("municipality_id", "pk")
    )
    left_waiting = set()
    for referral in waiting:
        if referral.municipality_id not in left_waiting:
            left_waiting.add(referral.municipality_id)
            continue
        sessions.session_book(session=first, referral=referral, user=coordinator)

    lots = {"1084": ("EP2163", "ER1741", "3004217"), "1082": ("EP9605", "ET3045", "3005431")}
    batch_soon, batch_later, moderna_lot = lots[region.code]
    for product, lot, days, vials in (
        (comirnaty, batch_soon, 20, 10),
        (comirnaty, batch_later, 75, 30),
        (moderna, moderna_lot, 40, 12),
    ):
        stock.stock_receive(
            region=region, user=coordinator, product=product, lot_number=lot,
            expires_on=today + timedelta(days=days), vials=vials,
        )  # fmt: skip
    for consumable, quantity in (
        (Consumable.LOW_DEAD_VOLUME_SYRINGE, 600),
        (Consumable.SYRINGE, 400),
        (Consumable.NEEDLE, 1200),
        (Consumable.DILUENT, 100),
        (Consumable.DILUTION_SYRINGE, 100),
        (Consumable.ANAPHYLAXIS_KIT, 12),
    ):
        stock.stock_receive_consumable(
            region=region, user=coordinator, consumable=consumable, quantity=quantity
        )
    stock.stock_allocate(place=first, user=coordinator, vials=2)

    route_day = route_days.route_day_create(
        region=region, vaccinator_organisation=practices[0], day=today + timedelta(days=4),
        starts_at=time(8), ends_at=time(15), product=comirnaty,
    )  # fmt: skip
    stock.stock_allocate(place=route_day, user=coordinator, vials=2)
    people = [
        staff.staff_member_create(
            region=region, name=name, role=role, organisation=practices[0], phone="70 20 30 40"
        )
        for name, role in STAFF
    ]
    for person in people:
        staff.staff_assign(staff=person, place=first, user=coordinator)
    staff.staff_assign(staff=people[0], place=route_day, user=coordinator)

    movements = StockMovement.objects.filter(region=region).count()
    return (
        f"Pop-up sessions and stock in {region}: {len(sites)} sites, 2 sessions, "
        f"{len(waiting) - len(left_waiting)} citizens booked, {movements} stock movements"
    )
