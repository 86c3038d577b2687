"""The Dutch catalogue is complete: Dutch is the default language of every page and e-mail."""

from __future__ import annotations

import os
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


# What `make messages` reads: the project's Python, templates and text templates, without the
# virtualenv, runtime data, benchmarks and front-end packages.
EXTRACTED_SUFFIXES = {".py", ".html", ".txt"}
NOT_EXTRACTED = {".git", ".venv", "var", "bench", "node_modules", "locale", "static", "__pycache__"}


def _po_string(quoted_lines: str) -> str:
    """The text of a (possibly multi-line) quoted PO string."""
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', quoted_lines)
    escapes = {"n": "\n", "t": "\t", "r": "\r"}
    return re.sub(r"\\(.)", lambda match: escapes.get(match[1], match[1]), "".join(parts))


def po_message_keys(po_text: str) -> set[tuple[str, str, str]]:
    """(context, msgid, msgid_plural) of every live entry; the header and obsolete ("#~") entries
    are left out, and so are the line references, which change with every edit of the code."""
    keys = set()
    field = re.compile(r'^(msgctxt|msgid|msgid_plural) ((?:".*"\n?)+)', flags=re.MULTILINE)
    for block in re.split(r"\n\s*\n", po_text):
        lines = "\n".join(line for line in block.splitlines() if not line.startswith("#")) + "\n"
        values = {name: _po_string(quoted) for name, quoted in field.findall(lines)}
        if values.get("msgid"):
            keys.add((values.get("msgctxt", ""), values["msgid"], values.get("msgid_plural", "")))
    return keys


def test_every_translatable_string_in_the_code_is_in_the_dutch_catalogue(tmp_path: Path) -> None:
    """Extracts the messages as `make messages` does, into a copy of the sources, and compares them
    with the committed catalogue: a string added to the code without `make messages` (or lost
    when catalogues of two branches were merged) would show up in English on a Dutch page."""
    from django.core.management import call_command
    from django.test import override_settings

    source = tmp_path / "source"
    base = Path(settings.BASE_DIR)
    for path in base.rglob("*"):
        relative = path.relative_to(base)
        if path.suffix in EXTRACTED_SUFFIXES and path.is_file() and not NOT_EXTRACTED & set(relative.parts[:-1]):
            if relative.parts[0].endswith(".egg-info"):
                continue
            target = source / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    extracted_dir = tmp_path / "locale"
    previous = Path.cwd()
    os.chdir(source)
    try:
        # The copy has no locale folder of its own, so the fresh catalogue lands in LOCALE_PATHS.
        with override_settings(LOCALE_PATHS=[extracted_dir]):
            call_command("makemessages", locale=["nl"], verbosity=0, no_location=True)
    finally:
        os.chdir(previous)
    extracted = po_message_keys((extracted_dir / "nl" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))
    committed = po_message_keys((CATALOGUE / "django.po").read_text(encoding="utf-8"))
    assert len(extracted) > 100, "the extraction found almost nothing: is xgettext (gettext) installed?"
    missing = sorted(extracted - committed)
    described = "\n".join(
        "  " + (f"[{context}] " if context else "") + repr(msgid) + (f" / {plural!r}" if plural else "")
        for context, msgid, plural in missing
    )
    assert not missing, (
        f"{len(missing)} translatable strings of the code are not in the Dutch catalogue; run `make messages`"
        f" and translate them in schoolbrug/locale/nl/LC_MESSAGES/django.po:\n{described}"
    )
