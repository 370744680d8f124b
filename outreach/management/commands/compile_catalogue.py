from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Compile the translation catalogues (locale/*/LC_MESSAGES/django.po) to .mo files "
        "without GNU gettext. Refuses a catalogue with fuzzy or untranslated entries."
    )

    def handle(self, **options):
        for locale_path in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po")):
                catalogue = polib.pofile(str(po_path))
                missing = [e.msgid for e in catalogue.untranslated_entries()]
                fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
                if missing or fuzzy:
                    raise CommandError(
                        f"{po_path}: {len(missing)} untranslated, {len(fuzzy)} fuzzy, e.g. "
                        f"{(missing + fuzzy)[:3]}"
                    )
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                self.stdout.write(f"compiled {po_path} ({len(catalogue)} entries)")
