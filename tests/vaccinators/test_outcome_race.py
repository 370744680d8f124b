"""Two taps on one stop at the same moment (a double tap, or two vaccinators sharing the list, one
pressing "Vaccinated" and the other "Not home"): exactly one outcome is recorded, the other tap is
told so, and the citizen has at most one vaccination record."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from outreach.models import Outcome, VaccinationRecord
from outreach.roles import Role
from tests.factories import persona
from tests.services import require_postgresql
from tests.vaccinators.routes import published_route
from vaccinators.models import RouteStop
from vaccinators.services import outcomes

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_records_exactly_one_of_two_simultaneous_outcomes(
    tmp_path, kbh_caseworker, hovedstaden_coordinator, noerrebro_practice, noerrebro_gp
):
    require_postgresql()
    jonas = persona("jonas", Role.VACCINATOR, noerrebro_practice, first_name="Jonas")
    route = published_route(
        tmp_path,
        caseworker=kbh_caseworker,
        coordinator=hovedstaden_coordinator,
        practice=noerrebro_practice,
        stops=6,
    )
    outcomes.checklist_confirm(
        route_list=route, user=noerrebro_gp, anaphylaxis_kit=True, adrenaline=True,
        oxygen_or_emergency_plan=True, it_access=True,
    )  # fmt: skip
    for position in range(1, 7):
        stop_pk = RouteStop.objects.get(route_list=route, position=position).pk
        start = threading.Barrier(2)
        results = {}

        def tap(user, outcome, stop_pk=stop_pk, start=start, results=results):
            # Each thread has its own database connection and its own active language.
            try:
                start.wait()
                with translation.override("en"):
                    outcomes.stop_outcome_record(
                        stop=RouteStop.objects.get(pk=stop_pk), user=user, outcome=outcome
                    )
                results[user.username] = "won"
            except ValidationError as refused:
                results[user.username] = refused.messages[0]
            finally:
                connection.close()

        second = Outcome.VACCINATED if position % 2 else Outcome.NOT_HOME
        threads = [
            threading.Thread(target=tap, args=(noerrebro_gp, Outcome.VACCINATED)),
            threading.Thread(target=tap, args=(jonas, second)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results.values(), key=lambda r: r != "won")[0] == "won"
        assert list(results.values()).count("won") == 1, results
        refusal = next(r for r in results.values() if r != "won")
        assert "already has an outcome" in refusal
        stop = RouteStop.objects.get(pk=stop_pk)
        records = VaccinationRecord.objects.filter(citizen_id=stop.citizen_id)
        assert records.count() == (1 if stop.outcome == Outcome.VACCINATED else 0)
