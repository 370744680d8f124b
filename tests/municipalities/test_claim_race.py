"""Two caseworkers press "claim" on the same citizen at the same moment: exactly one wins."""

import threading

import pytest
from django.db import connection

from municipalities.models import ContactTask
from municipalities.services import tasks
from tests.municipalities.casework import citizen_tasks
from tests.services import require_postgresql

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_lets_exactly_one_of_two_simultaneous_claims_win(
    tmp_path, koebenhavn, kbh_caseworker, kbh_lead
):
    require_postgresql()
    task = citizen_tasks(tmp_path, "101", 1)[0]
    start = threading.Barrier(2)
    outcomes = {}

    def claim(user):
        # Each thread has its own database connection: two real sessions racing.
        try:
            start.wait()
            tasks.task_claim(task=ContactTask.objects.get(pk=task.pk), user=user)
            outcomes[user.username] = "won"
        except tasks.TaskClaimed:
            outcomes[user.username] = "refused"
        finally:
            connection.close()

    for _round in range(10):
        ContactTask.objects.filter(pk=task.pk).update(claimed_by=None, claim_expires_at=None)
        outcomes.clear()
        threads = [threading.Thread(target=claim, args=(u,)) for u in (kbh_caseworker, kbh_lead)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes.values()) == ["refused", "won"]
        winner = next(name for name, outcome in outcomes.items() if outcome == "won")
        assert ContactTask.objects.get(pk=task.pk).claimed_by.username == winner
