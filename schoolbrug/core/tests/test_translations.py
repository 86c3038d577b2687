"""The Dutch catalogue is complete: Dutch is the default language of every page and e-mail."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "schoolbrug" / "locale" / "nl" / "LC_MESSAGES"


def entries(po_text: str) -> list[str]:
    # Entries are separated by blank lines; the first is the header. Obsolete entries ("#~") are
    # kept by gettext for reference only.
    blocks = [block for block in re.split(r"\n\s*\n", po_text) if "msgid" in block][1:]
    return [block for block in blocks if re.search(r"^msgid ", block, flags=re.MULTILINE)]


def is_untranslated(entry: str) -> bool:
    msgstrs = re.findall(r'^msgstr(?:\[\d+\])? "(.*)"((?:\n".*")*)', entry, flags=re.MULTILINE)
    return any(not (first + "".join(re.findall(r'"(.*)"', rest))) for first, rest in msgstrs)


def test_every_message_has_a_dutch_translation() -> None:
    po_text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    missing = [entry.splitlines()[-2] for entry in entries(po_text) if is_untranslated(entry)]
    assert not missing, f"{len(missing)} untranslated Dutch messages, e.g. {missing[:5]}"


def test_no_fuzzy_translations() -> None:
    po_text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    fuzzy = [e for e in entries(po_text) if re.search(r"^#,.*\bfuzzy\b", e, flags=re.MULTILINE)]
    assert not fuzzy, f"{len(fuzzy)} fuzzy Dutch messages, e.g. {fuzzy[0][:200]}"


def _joined(first: str, rest: str) -> str:
    return first + "".join(re.findall(r'"(.*)"', rest))


def test_compiled_catalogue_matches_its_source() -> None:
    """A .po edited without `make messages` would leave the .mo (what Django reads) stale."""
    import gettext

    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    po_text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    stale = []
    for entry in entries(po_text):
        if "msgctxt" in entry or "msgid_plural" in entry:
            continue
        msgid = re.search(r'^msgid "(.*)"((?:\n".*")*)', entry, flags=re.MULTILINE)
        msgstr = re.search(r'^msgstr "(.*)"((?:\n".*")*)', entry, flags=re.MULTILINE)
        assert msgid and msgstr
        key = _joined(*msgid.groups()).encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        value = _joined(*msgstr.groups()).encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        if compiled.get(key) != value:
            stale.append(key)
    assert not stale, f"{len(stale)} messages differ between django.po and django.mo, e.g. {stale[:3]}"
