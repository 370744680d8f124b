from celery import shared_task

from municipalities import services


@shared_task(
    name="municipalities.process_ssi_list",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def process_ssi_list(list_import_id: int) -> str:
    """Process one received SSI list. Takes the import's id only: never the file or a CPR."""
    return services.ssi_list_import_process(list_import_id=list_import_id).status
