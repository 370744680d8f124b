from django.core.management.base import BaseCommand

from outreach import jobs


class Command(BaseCommand):
    help = (
        "Send the background jobs that wait in the outbox because the broker was away. Beat "
        "does this every minute; run it by hand after an outage to send them at once."
    )

    def handle(self, **options):
        sent = jobs.relay()
        waiting = jobs.pending_count()
        self.stdout.write(f"{sent} sent, {waiting} still waiting")
        if waiting:
            self.stderr.write("The broker did not take every job; try again when it is back.")
