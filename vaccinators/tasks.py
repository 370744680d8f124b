"""Background jobs of the vaccinators' app: thin adapters that take ids and call a service."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from vaccinators.services import planning

logger = logging.getLogger(__name__)
# The database or the broker briefly away: retried with backoff, never a failed run.
TRANSIENT = (OperationalError, InterfaceError, ConnectionError)
# A planning run solves in seconds; five minutes is a run that went wrong. Both limits stay below
# the broker's visibility timeout (a task still running when it passes is delivered twice).
PLANNING_TIME_LIMIT = min(300, settings.CELERY_TASK_TIME_LIMIT)
PLANNING_SOFT_TIME_LIMIT = max(PLANNING_TIME_LIMIT - 10, PLANNING_TIME_LIMIT // 2)


def _fail(planning_run_id: int, reason) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        planning.planning_run_fail(planning_run_id=planning_run_id, reason=str(reason))


@shared_task(
    name="vaccinators.plan_route_lists",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
    time_limit=PLANNING_TIME_LIMIT,
    soft_time_limit=PLANNING_SOFT_TIME_LIMIT,
)
def plan_route_lists(planning_run_id: int) -> str:
    """Plan one planning run into draft route lists. Takes the run's id only; running it again
    replaces the run's drafts."""
    try:
        return planning.planning_run_execute(planning_run_id=planning_run_id).status
    except SoftTimeLimitExceeded:
        _fail(planning_run_id, _("The planning did not finish in time. Plan fewer vaccinators."))
        return "failed"
    except TRANSIENT:
        raise  # retried (autoretry_for): the database or broker will be back
    except Exception:
        # Logged with the traceback; the coordinator reads a sentence, not a stack trace. Not
        # raised again: run in process (the embedded default), it would fail the page that
        # asked for the run, which already shows the failure.
        logger.exception("planning run %s failed", planning_run_id)
        _fail(
            planning_run_id,
            _("The planning failed because of an error in the system. It has been logged."),
        )
        return "failed"
