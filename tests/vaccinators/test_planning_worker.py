"""The planning run as the job it is in production: a real Celery worker, in its own process,
takes the run's id from Redis and plans it into the shared PostgreSQL database while the
coordinator's page polls the progress."""

import time

import pytest
import redis

from regions.models import PlanningRun
from tests.regions import world
from tests.services import require_postgresql, require_redis
from tests.vaccinators.planning import home_pool, oesterbro_practice, run_for
from tests.workers import Worker, database_url, wait_for
from vaccinators.models import RouteList, RouteStop
from vaccinators.tasks import plan_route_lists

TIMEOUT = 90  # seconds for the worker to start and plan, at most


def test_the_planning_job_is_built_to_survive_a_lost_worker(settings):
    assert plan_route_lists.acks_late
    assert plan_route_lists.reject_on_worker_lost
    assert plan_route_lists.soft_time_limit < plan_route_lists.time_limit
    assert plan_route_lists.time_limit < settings.CELERY_VISIBILITY_TIMEOUT


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_plans_the_run_through_redis(
    tmp_path, settings, reference_data, hovedstaden, hovedstaden_coordinator, kbh_caseworker,
    noerrebro_practice,
):  # fmt: skip
    require_redis()
    require_postgresql()
    store = redis.Redis.from_url(settings.REDIS_URL)
    store.flushdb()
    worker = Worker(
        "planner",
        "celery",
        {"DATABASE_URL": database_url(), "REDIS_URL": settings.REDIS_URL},
        tmp_path,
    )
    try:
        world.stocked(hovedstaden, hovedstaden_coordinator, vials=10)
        home_pool(tmp_path, kbh_caseworker, 12)
        practices = [noerrebro_practice, oesterbro_practice(hovedstaden)]
        # Committed at once (a transactional test): the job is sent to Redis on commit.
        run = run_for(region=hovedstaden, coordinator=hovedstaden_coordinator, practices=practices)
        started = time.monotonic()

        def finished() -> PlanningRun | None:
            current = PlanningRun.objects.get(pk=run.pk)
            return current if current.is_finished else None

        done = wait_for(
            finished, deadline=started + TIMEOUT, what="the run to finish", workers=[worker]
        )
        assert (done.status, done.progress, done.error) == ("done", 100, "")
        assert f"Task {plan_route_lists.name}[" in worker.output()
        drafts = RouteList.objects.filter(planning_run=run, status="draft")
        assert drafts.count() == 2
        assert RouteStop.objects.filter(route_list__in=drafts).count() == done.planned > 0
    finally:
        worker.stop()
        store.flushdb()
        store.close()
