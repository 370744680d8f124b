from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from regions.services.dose_two import dose_two_referrals_create

# The database or the broker briefly away: retried with backoff.
TRANSIENT = (OperationalError, InterfaceError, ConnectionError)


@shared_task(
    name="regions.move_dose_two_into_pools",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def move_dose_two_into_pools() -> int:
    """Daily (celery beat): citizens whose dose 2 falls due join their region's pool. No
    arguments, no personal data; safe to run again (each referral is made once)."""
    return dose_two_referrals_create(today=timezone.localdate())
