import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext_lazy as _

from municipalities import services
from municipalities.ssi import inbox

logger = logging.getLogger(__name__)
# The database or the broker briefly away: retried with backoff, never a rejected list.
TRANSIENT = (OperationalError, InterfaceError, ConnectionError)


@shared_task(
    name="municipalities.process_ssi_list",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def process_ssi_list(list_import_id: int) -> str:
    """Process one received SSI list. Takes the import's id only: never the file or a CPR."""
    try:
        return services.ssi_list_import_process(list_import_id=list_import_id).status
    except SoftTimeLimitExceeded:
        # The final transaction was rolled back: nothing is half-written. Say so, rather than
        # leave the import "processing" for ever.
        services.ssi_list_import_give_up(
            list_import_id=list_import_id,
            reason=_("The import did not finish in time. Send the file again in smaller parts."),
        )
        return "rejected"
    except TRANSIENT:
        raise  # retried (autoretry_for): the database or broker will be back
    except Exception:
        logger.exception("ssi list import %s failed", list_import_id)
        services.ssi_list_import_give_up(
            list_import_id=list_import_id,
            reason=_("The import failed because of an error in the system. It has been logged."),
        )
        raise


@shared_task(name="municipalities.scan_ssi_inbox", acks_late=True)
def scan_ssi_inbox() -> int:
    """Import the files waiting in the SSI inbox folder. One scan at a time."""
    lock = "municipalities.scan_ssi_inbox.lock"
    if not cache.add(lock, "1", timeout=settings.CELERY_TASK_TIME_LIMIT):
        return 0
    try:
        return len(inbox.scan())
    finally:
        cache.delete(lock)
