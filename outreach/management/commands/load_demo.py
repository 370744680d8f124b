from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from outreach.demo import DEMO_PASSWORD, actor_demo_load, demo_world_load


class Command(BaseCommand):
    help = "Load (or refresh) the demo world and print its logins. Demo mode only."

    def handle(self, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                "load_demo runs only in demo mode (DEBUG or DEMO_MODE, never production)."
            )
        logins = demo_world_load()
        for note in actor_demo_load():
            self.stdout.write(note)
        width = max(len(login.username) for login in logins)
        self.stdout.write(self.style.SUCCESS("Demo world loaded. Log in at http://127.0.0.1:8000/"))
        self.stdout.write(f"Every demo user's password: {DEMO_PASSWORD}\n")
        for login in logins:
            self.stdout.write(
                f"  {login.username.ljust(width)}  {login.role}, {login.organisation}"
            )
