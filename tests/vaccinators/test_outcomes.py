"""Lise, a GP at Nørrebro, drives today's route of home visits: she confirms the safety checklist,
records what came of each visit, opens and finishes vials, reports an acute reaction and finishes
the route. Each outcome reaches the referral, Signe's task in København, the vaccination record
and the region's stock ledger, and the ledger balances to the dose."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from municipalities.models import ContactTask, Referral
from outreach.models import AdverseReaction, Outcome, VaccinationRecord
from regions.models import Consumable, StockBalance, StockMovement
from regions.selectors.stock import vaccine_totals
from tests.vaccinators.routes import published_route
from vaccinators.models import RouteList, RouteStop, VialEvent
from vaccinators.services import outcomes

pytestmark = pytest.mark.django_db

V = Outcome.VACCINATED


@pytest.fixture
def route(tmp_path, kbh_caseworker, hovedstaden_coordinator, noerrebro_practice):
    return published_route(
        tmp_path,
        caseworker=kbh_caseworker,
        coordinator=hovedstaden_coordinator,
        practice=noerrebro_practice,
        stops=8,
        vials=3,
        severe_allergy=(1,),
    )


def confirm(route_list, user):
    return outcomes.checklist_confirm(
        route_list=route_list,
        user=user,
        anaphylaxis_kit=True,
        adrenaline=True,
        oxygen_or_emergency_plan=True,
        it_access=True,
    )


def stop(route_list, position):
    return RouteStop.objects.get(route_list=route_list, position=position)


def record(route_list, position, user, outcome=V, **kwargs):
    return outcomes.stop_outcome_record(
        stop=stop(route_list, position), user=user, outcome=outcome, **kwargs
    )


def balance(place_field, place, *, batch=None, consumable=""):
    found = StockBalance.objects.filter(
        **{place_field: place}, batch=batch, consumable=consumable
    ).first()
    return found.quantity if found else 0


def store(region, **kwargs):
    found = StockBalance.objects.filter(
        holder__region=region, holder__session=None, holder__route_day=None, **kwargs
    ).first()
    return found.quantity if found else 0


def test_it_refuses_an_outcome_until_the_checklist_is_confirmed(route, noerrebro_gp):
    with pytest.raises(ValidationError, match="Confirm the safety checklist"):
        record(route, 1, noerrebro_gp)
    with pytest.raises(ValidationError) as refused:
        outcomes.checklist_confirm(
            route_list=route,
            user=noerrebro_gp,
            anaphylaxis_kit=True,
            adrenaline=False,
            oxygen_or_emergency_plan=True,
            it_access=False,
        )
    assert set(refused.value.message_dict) == {"adrenaline", "it_access"}
    assert "adrenaline in date" in refused.value.message_dict["adrenaline"][0]
    route.refresh_from_db()
    assert route.status == RouteList.Status.PUBLISHED

    checklist = confirm(route, noerrebro_gp)
    route.refresh_from_db()
    assert route.status == RouteList.Status.IN_PROGRESS and route.started_at is not None
    assert confirm(route, noerrebro_gp).pk == checklist.pk  # a second tap changes nothing
    assert record(route, 1, noerrebro_gp).outcome == V


def test_it_records_a_vaccination_with_the_allocated_batch_and_completes_the_referral(
    route, noerrebro_gp
):
    confirm(route, noerrebro_gp)
    first = record(route, 1, noerrebro_gp)
    allergic = record(route, 2, noerrebro_gp)

    vaccination = first.vaccination
    assert (vaccination.dose, vaccination.product.code, vaccination.batch) == (
        1,
        "comirnaty",
        "EK9788",
    )
    assert vaccination.setting == VaccinationRecord.Setting.HOME
    assert vaccination.vaccinator_organisation.code == "990101"
    assert vaccination.given_by == noerrebro_gp
    assert vaccination.observation_minutes == 15
    assert allergic.vaccination.observation_minutes == 30
    # Nobody tapped "vial opened": the first dose from vial 1 opened it.
    opened = VialEvent.objects.get(route_list=route, vial_number=1)
    assert (opened.kind, opened.batch, opened.at) == ("opened", "EK9788", first.outcome_at)
    earliest, due, latest = vaccination.dose_two_window()
    interval = timedelta(days=vaccination.product.interval_recommended_days)
    assert due == timezone.localdate() + interval
    assert earliest <= due <= latest

    first.referral.refresh_from_db()
    assert first.referral.status == Referral.Status.DONE
    assert ContactTask.objects.get(pk=first.referral.task_id).referral_status == "done"


def test_it_sends_a_citizen_not_home_or_postponed_back_to_the_pool(route, noerrebro_gp):
    confirm(route, noerrebro_gp)
    for position, outcome in ((1, Outcome.NOT_HOME), (2, Outcome.POSTPONED)):
        done = record(route, position, noerrebro_gp, outcome=outcome, note="Call the daughter")
        referral = Referral.objects.get(pk=done.referral_id)
        assert (referral.status, referral.scheduled_for) == (Referral.Status.ACCEPTED, None)
        assert done.vaccination is None and done.outcome_note == "Call the daughter"
    assert not VaccinationRecord.objects.exists()


@pytest.mark.parametrize(
    ("outcome", "said"),
    [
        (Outcome.DECLINED, "Declined at the home visit on"),
        (Outcome.CONTRAINDICATED, "Not vaccinated at the home visit on"),
    ],
)
def test_it_returns_a_declined_or_contraindicated_citizen_to_the_caseworkers_task(
    route, noerrebro_gp, outcome, said
):
    confirm(route, noerrebro_gp)
    done = record(route, 1, noerrebro_gp, outcome=outcome, note="Wants to talk to her GP first.")
    referral = Referral.objects.get(pk=done.referral_id)
    assert referral.status == Referral.Status.RETURNED
    assert referral.comment.startswith(said)
    assert referral.comment.endswith("Wants to talk to her GP first.")
    task = ContactTask.objects.get(pk=referral.task_id)
    assert task.is_open
    assert task.stage == ContactTask.Stage.RETURNED
    assert task.return_comment == referral.comment
    assert task in ContactTask.objects.filter(stage__in=ContactTask.TO_DO)


def test_it_records_one_outcome_per_stop(route, noerrebro_gp):
    confirm(route, noerrebro_gp)
    record(route, 1, noerrebro_gp)
    with pytest.raises(ValidationError, match="already has an outcome: vaccinated"):
        record(route, 1, noerrebro_gp, outcome=Outcome.NOT_HOME)
    assert VaccinationRecord.objects.count() == 1


def test_it_corrects_a_wrong_vaccination_by_invalidating_its_record(route, noerrebro_gp):
    confirm(route, noerrebro_gp)
    wrong = record(route, 3, noerrebro_gp)
    first_record = wrong.vaccination

    corrected = outcomes.stop_outcome_correct(
        stop=wrong, user=noerrebro_gp, reason="Tapped the wrong citizen"
    )
    assert corrected.outcome == "" and corrected.vaccination is None
    first_record.refresh_from_db()
    assert not first_record.is_valid
    assert first_record.invalidation_reason == "Tapped the wrong citizen"
    assert first_record.invalidated_by == noerrebro_gp
    referral = Referral.objects.get(pk=wrong.referral_id)
    assert referral.status == Referral.Status.SCHEDULED
    with pytest.raises(TypeError):
        VaccinationRecord.objects.all().delete()
    with pytest.raises(TypeError):
        first_record.delete()

    again = record(route, 3, noerrebro_gp)
    assert again.vaccination.pk != first_record.pk
    assert VaccinationRecord.objects.count() == 2
    assert VaccinationRecord.objects.valid().count() == 1
    with pytest.raises(ValidationError, match="Say why"):
        outcomes.stop_outcome_correct(stop=again, user=noerrebro_gp, reason=" ")


def test_it_puts_a_citizen_recorded_not_home_back_on_the_route(route, noerrebro_gp):
    confirm(route, noerrebro_gp)
    away = record(route, 1, noerrebro_gp, outcome=Outcome.NOT_HOME)
    outcomes.stop_outcome_correct(stop=away, user=noerrebro_gp, reason="She opened the door")
    referral = Referral.objects.get(pk=away.referral_id)
    assert referral.status == Referral.Status.SCHEDULED
    assert referral.scheduled_for == away.planned_arrival
    assert record(route, 1, noerrebro_gp).outcome == V


def test_it_leaves_a_declined_citizen_with_the_municipality(route, noerrebro_gp):
    confirm(route, noerrebro_gp)
    declined = record(route, 1, noerrebro_gp, outcome=Outcome.DECLINED)
    with pytest.raises(ValidationError, match="gone back to the municipality"):
        outcomes.stop_outcome_correct(stop=declined, user=noerrebro_gp, reason="Changed her mind")


def test_it_books_the_doses_left_in_a_finished_vial_as_waste(route, noerrebro_gp):
    confirm(route, noerrebro_gp)
    outcomes.vial_open(route_list=route, vial_number=1, user=noerrebro_gp)
    with pytest.raises(ValidationError, match="already open"):
        outcomes.vial_open(route_list=route, vial_number=1, user=noerrebro_gp)
    for position in range(1, 5):
        record(route, position, noerrebro_gp)
    finished = outcomes.vial_finish(
        route_list=route, vial_number=1, user=noerrebro_gp, doses_left=2
    )
    assert (finished.kind, finished.batch, finished.doses_left) == ("finished", "EK9788", 2)
    waste = StockMovement.objects.get(kind=StockMovement.Kind.WASTED)
    assert (waste.quantity, waste.waste_reason) == (2, StockMovement.WasteReason.LEFT_IN_VIAL)
    assert waste.source.route_day == route.route_day
    # 3 vials of 6 allocated, 2 wasted: doses given are settled when the route finishes.
    batch = waste.batch
    assert balance("holder__route_day", route.route_day, batch=batch) == 16
    with pytest.raises(ValidationError, match="already finished"):
        outcomes.vial_finish(route_list=route, vial_number=1, user=noerrebro_gp, doses_left=0)
    with pytest.raises(ValidationError, match="not open"):
        outcomes.vial_finish(route_list=route, vial_number=2, user=noerrebro_gp, doses_left=0)
    with pytest.raises(ValidationError, match="vials 1 to 3"):
        outcomes.vial_open(route_list=route, vial_number=4, user=noerrebro_gp)


def test_it_balances_the_ledger_to_the_dose_after_a_route(
    route, noerrebro_gp, hovedstaden, hovedstaden_coordinator
):
    """8 stops, 3 vials of 6 (18 doses) allocated from a store of 10 vials: vial 1 gives 5 doses
    and is finished with 1 left; stop 6 is not home; vial 2 gives one dose and is still open at
    the end; stop 8 is never reached; vial 3 is never opened."""
    batch = StockBalance.objects.get(holder__route_day=route.route_day, batch__isnull=False).batch
    confirm(route, noerrebro_gp)
    outcomes.vial_open(route_list=route, vial_number=1, user=noerrebro_gp)
    for position in range(1, 6):
        record(route, position, noerrebro_gp)
    outcomes.vial_finish(route_list=route, vial_number=1, user=noerrebro_gp, doses_left=1)
    record(route, 6, noerrebro_gp, outcome=Outcome.NOT_HOME)
    outcomes.vial_open(route_list=route, vial_number=2, user=noerrebro_gp)
    seventh = record(route, 7, noerrebro_gp)
    assert VialEvent.objects.filter(kind="opened").count() == 2

    finished = outcomes.route_list_finish(route_list=route, user=noerrebro_gp)

    assert finished.status == RouteList.Status.DONE and finished.finished_at is not None
    assert seventh.vaccination.batch == batch.lot_number
    totals = vaccine_totals(hovedstaden)["Comirnaty (BioNTech/Pfizer)"]
    assert totals == {
        "doses_per_vial": 6,
        "received": 60,
        "on_hand": 48,  # 7 vials never sent plus the unopened vial 3
        "allocated": 0,
        "administered": 6,
        "wasted": 6,  # 1 left in vial 1, 5 left in vial 2
    }
    assert balance("holder__route_day", route.route_day, batch=batch) == 0
    wasted = StockMovement.objects.filter(kind="wasted").values_list("quantity", "waste_reason")
    assert sorted(wasted) == [(1, "left_in_vial"), (5, "left_in_vial")]
    # Consumables: 6 syringes and needles for 6 doses, diluent, dilution syringe and needle for
    # each of the 2 opened vials; the rest and the anaphylaxis kit are back in the store.
    used = {
        Consumable.LOW_DEAD_VOLUME_SYRINGE: 6,
        Consumable.NEEDLE: 6 + 2,
        Consumable.DILUENT: 2,
        Consumable.DILUTION_SYRINGE: 2,
        Consumable.SYRINGE: 0,
        Consumable.ANAPHYLAXIS_KIT: 0,
    }
    for consumable, count in used.items():
        assert store(hovedstaden, consumable=consumable) == 1000 - count  # as received
        assert balance("holder__route_day", route.route_day, consumable=consumable) == 0
    # The citizen never reached waits in the pool again; the one not home already did.
    last = stop(route, 8)
    assert last.outcome == ""
    assert Referral.objects.get(pk=last.referral_id).status == Referral.Status.ACCEPTED
    with pytest.raises(ValidationError, match="finished"):
        record(route, 8, noerrebro_gp)
    with pytest.raises(ValidationError, match="ask the region"):
        outcomes.stop_outcome_correct(stop=stop(route, 1), user=noerrebro_gp, reason="Oops")


def test_it_counts_the_vials_opened_when_none_were_tapped(
    tmp_path, kbh_caseworker, hovedstaden, hovedstaden_coordinator, noerrebro_practice, noerrebro_gp
):
    route = published_route(
        tmp_path,
        caseworker=kbh_caseworker,
        coordinator=hovedstaden_coordinator,
        practice=noerrebro_practice,
        stops=6,
    )
    confirm(route, noerrebro_gp)
    for position in range(1, 5):
        record(route, position, noerrebro_gp)
    outcomes.route_list_finish(route_list=route, user=noerrebro_gp)
    totals = vaccine_totals(hovedstaden)["Comirnaty (BioNTech/Pfizer)"]
    assert (totals["administered"], totals["wasted"], totals["on_hand"]) == (4, 2, 54)


def test_it_records_an_acute_adverse_reaction(route, noerrebro_gp):
    confirm(route, noerrebro_gp)
    vaccination = record(route, 2, noerrebro_gp).vaccination
    onset = timezone.now()
    reaction = outcomes.adverse_reaction_record(
        record=vaccination,
        user=noerrebro_gp,
        onset_at=onset,
        symptoms="Hives and wheezing",
        severity=AdverseReaction.Severity.ANAPHYLAXIS,
        adrenaline_given=True,
        emergency_called=True,
        reported_onward=False,
    )
    saved = AdverseReaction.objects.get(pk=reaction.pk)
    assert saved.record == vaccination and saved.is_anaphylaxis
    assert (saved.adrenaline_given, saved.emergency_called, saved.reported_onward) == (
        True,
        True,
        False,
    )
    with pytest.raises(ValidationError) as refused:
        outcomes.adverse_reaction_record(
            record=vaccination,
            user=noerrebro_gp,
            onset_at=vaccination.given_at - timedelta(hours=1),
            symptoms="",
            severity="terrible",
            adrenaline_given=False,
            emergency_called=False,
            reported_onward=False,
        )
    assert set(refused.value.message_dict) == {"onset_at", "symptoms", "severity"}


def test_it_refuses_work_on_a_draft_or_a_coming_route(
    tmp_path, kbh_caseworker, hovedstaden_coordinator, noerrebro_practice, noerrebro_gp
):
    draft = published_route(
        tmp_path,
        caseworker=kbh_caseworker,
        coordinator=hovedstaden_coordinator,
        practice=noerrebro_practice,
        stops=2,
        status=RouteList.Status.DRAFT,
    )
    with pytest.raises(ValidationError, match="not published"):
        confirm(draft, noerrebro_gp)
    coming = published_route(
        tmp_path,
        caseworker=kbh_caseworker,
        coordinator=hovedstaden_coordinator,
        practice=noerrebro_practice,
        stops=2,
        start=2,
        day=timezone.localdate() + timedelta(days=3),
        stock_vials=0,
    )
    with pytest.raises(ValidationError, match="recorded on that day"):
        confirm(coming, noerrebro_gp)


def test_it_refuses_a_batch_the_route_does_not_carry(
    route, noerrebro_gp, hovedstaden, hovedstaden_coordinator
):
    from tests.regions import world

    other = world.stocked(hovedstaden, hovedstaden_coordinator, lot="FA1234", vials=1)
    confirm(route, noerrebro_gp)
    with pytest.raises(ValidationError, match="FA1234 is not allocated"):
        record(route, 1, noerrebro_gp, batch=other)
    assert stop(route, 1).outcome == ""
