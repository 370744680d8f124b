"""The Danish catalogue is complete and the committed .mo is the compiled .po."""

from pathlib import Path

import polib
from django.utils import translation

from outreach.roles import Role

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "da" / "LC_MESSAGES"


def test_it_translates_every_string_into_danish():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert not po.metadata_is_fuzzy


def test_it_ships_the_compiled_catalogue_of_the_current_po():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    mo = polib.mofile(str(CATALOGUE / "django.mo"))
    compiled = {(e.msgid, e.msgstr) for e in mo if not e.msgid_plural}
    source = {(e.msgid, e.msgstr) for e in po.translated_entries() if not e.msgid_plural}
    assert source - compiled == set(), "run `make messages` to recompile django.mo"


def test_it_names_the_roles_in_danish():
    with translation.override("da"):
        assert str(Role.CASEWORKER.label) == "Sagsbehandler"
        assert str(Role.COORDINATOR.label) == "Regional koordinator"
