"""The Celery app. Configured from Django settings (``CELERY_*``): Redis when ``REDIS_URL`` is set,
otherwise tasks run in process, eagerly, so the embedded default needs no broker."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.settings")

app = Celery("outreach")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
