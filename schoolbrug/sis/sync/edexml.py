"""EDEXML 2.0 and 2.1 (Edustandaard, NTA 2032) → `Dataset` (SIS-9).

An EDEXML file is one school's export from its administration (ParnasSys, ESIS): the school and
school year, branches (vestigingen), groups (stamgroep with a jaargroep, samengestelde groep), pupils with ECK iD and
teachers with their groups. It carries no guardians (see `guardians_csv`).

Every file is validated against the bundled XSDs (`xsd/`, provenance in `xsd/PROVENANCE.md`)
before anything is read from it. The parser never resolves entities, never loads a DTD and never
goes to the network; a file with a DOCTYPE is refused outright, so entity tricks (XXE, "billion
laughs") never reach the schema or the reader.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

from .dataset import BranchData, Dataset, GroupData, Issue, PupilData, SchoolData, Source, StaffData

XSD_DIR = Path(__file__).resolve().parent / "xsd"
VERSIONS = ("2.0", "2.1")
# The last school year the published XSDs enumerate; the bundled copies accept any year.
LAST_PUBLISHED_YEAR = "2024-2025"
# EDEXML jaargroep codes 1..8 are the Dutch primary year levels; other codes (peuters, VO, S(B)O,
# combinatiegroep, historisch) carry no level of their own.
PRIMARY_LEVELS = {str(level): level for level in range(1, 9)}
SEX = {"1": "m", "2": "f", "0": "x", "9": "x"}


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


@functools.cache
def schema(version: str) -> etree.XMLSchema:
    """The XSD of one EDEXML version, loaded once; its includes are local files next to it."""
    path = XSD_DIR / f"edexml-{version}" / "EDEXML.structuur.xsd"
    return etree.XMLSchema(etree.parse(str(path), _parser()))


def looks_like_edexml(content: bytes) -> bool:
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<")


def _text(element: etree._Element | None, tag: str) -> str:
    if element is None:
        return ""
    child = element.find(tag)
    return (child.text or "").strip() if child is not None else ""


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _version(root: etree._Element) -> str:
    declared = _text(root.find("school"), "xsdversie")
    if declared in VERSIONS:
        return declared
    # 2.1 added @eckid; a file without a declared version is read as the newest one.
    return "2.1"


def _DOCTYPE_REFUSED() -> str:
    return _("The file declares a DOCTYPE; Schoolbrug refuses DTDs and entities in uploaded XML.")


def _declares_doctype(content: bytes) -> bool:
    # Refused before parsing, so that no entity declaration (XXE, "billion laughs") is ever
    # processed; the parser settings are the second line of defence. UTF-16 files are looked at too.
    return any(
        marker in content for marker in (b"<!DOCTYPE", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))
    )


def read_edexml(name: str, content: bytes) -> Dataset:
    """Reads one EDEXML file. Never raises on bad input: every problem becomes an `Issue`."""
    dataset = Dataset()
    if _declares_doctype(content):
        dataset.issues.append(Issue(Source(name, line=1), _DOCTYPE_REFUSED()))
        return dataset
    try:
        tree = etree.fromstring(content, _parser()).getroottree()
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno else None
        dataset.issues.append(
            Issue(Source(name, line=line), _("This is not well-formed XML (%(detail)s).") % {"detail": error.msg})
        )
        return dataset
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        dataset.issues.append(Issue(Source(name, line=1), _DOCTYPE_REFUSED()))
        return dataset
    root = tree.getroot()
    if root.tag != "EDEX":
        dataset.issues.append(
            Issue(
                Source(name, line=root.sourceline, element=str(root.tag)),
                _("This is not an EDEXML file: the first element is <%(tag)s>, not <EDEX>.") % {"tag": root.tag},
            )
        )
        return dataset

    version = _version(root)
    xsd = schema(version)
    if not xsd.validate(tree):
        for entry in xsd.error_log:
            dataset.issues.append(
                Issue(
                    Source(name, line=entry.line or None, element=entry.path or ""),
                    _("%(element)s does not follow the EDEXML %(version)s schema: %(detail)s")
                    % {"element": entry.path or "EDEX", "version": version, "detail": entry.message},
                )
            )
        return dataset

    _read_valid(name, root, version, dataset)
    return dataset


def _read_valid(name: str, root: etree._Element, version: str, dataset: Dataset) -> None:
    school = root.find("school")
    year = _text(school, "schooljaar")
    dataset.school = SchoolData(
        brin=_text(school, "brincode"),
        branch_code=_text(school, "dependancecode"),
        name="",
        school_year=year,
        source=Source(name, line=school.sourceline if school is not None else None, element="school"),
    )
    first, _dash, second = year.partition("-")
    if not (first.isdigit() and second.isdigit() and int(second) == int(first) + 1):
        dataset.issues.append(
            Issue(
                Source(name, line=_line(school, "schooljaar"), element="school/schooljaar"),
                _("The school year %(year)s is not two consecutive years such as 2026-2027.") % {"year": year},
            )
        )
    if year > LAST_PUBLISHED_YEAR:
        dataset.notes.append(
            _(
                "%(file)s was validated against the EDEXML %(version)s schema with later school years allowed: "
                "the published schema lists school years only up to %(last)s."
            )
            % {"file": name, "version": version, "last": LAST_PUBLISHED_YEAR}
        )
    dataset.notes.append(_("%(file)s: EDEXML %(version)s, valid.") % {"file": name, "version": version})

    for element in root.iterfind("vestigingen/vestiging"):
        key = element.get("key", "")
        dataset.branches.append(
            BranchData(
                key=key,
                name=_text(element, "naam"),
                source=Source(name, line=element.sourceline, element=f"vestigingen/vestiging[@key='{key}']"),
            )
        )

    groups: dict[str, GroupData] = {}
    group_levels: dict[str, set[int]] = {}
    for element in root.iterfind("groepen/*"):
        key = element.get("key", "")
        level = PRIMARY_LEVELS.get(_text(element, "jaargroep"))
        groups[key] = GroupData(
            key=key,
            name=_text(element, "naam"),
            year_levels=(level,) if level else (),
            source=Source(name, line=element.sourceline, element=f"groepen/{element.tag}[@key='{key}']"),
        )
        group_levels[key] = set()

    for element in root.iterfind("leerlingen/leerling"):
        key = element.get("key", "")
        first_names = _text(element, "voornamen")
        called = _text(element, "roepnaam")
        group = element.find("groep")
        group_key = group.get("key", "") if group is not None else ""
        level = PRIMARY_LEVELS.get(_text(element, "jaargroep"))
        if group_key and level:
            group_levels.setdefault(group_key, set()).add(level)
        dataset.pupils.append(
            PupilData(
                key=key,
                first_name=first_names or called,
                last_name=_text(element, "achternaam"),
                prefix=_text(element, "voorvoegsel"),
                called_name=called,
                birth_date=_date(_text(element, "geboortedatum")),
                sex=SEX.get(_text(element, "geslacht"), ""),
                group_key=group_key,
                year_level=level,
                eck_id=element.get("eckid", ""),
                enrolled_on=_date(_text(element, "instroomdatum")),
                left_on=_date(_text(element, "uitstroomdatum")),
                source=Source(name, line=element.sourceline, element=f"leerlingen/leerling[@key='{key}']"),
            )
        )

    # A combinatiegroep (jaargroep C) or a group without a primary level takes the levels of its
    # pupils, so a mixed group 3/4 shows as 3/4.
    for key, group in list(groups.items()):
        if not group.year_levels and group_levels.get(key):
            groups[key] = GroupData(
                key=group.key, name=group.name, year_levels=tuple(sorted(group_levels[key])), source=group.source
            )
    dataset.groups.extend(groups.values())

    for element in root.iterfind("leerkrachten/leerkracht"):
        key = element.get("key", "")
        first_names = _text(element, "voornamen")
        called = _text(element, "roepnaam")
        dataset.staff.append(
            StaffData(
                key=key,
                first_name=called or first_names or _text(element, "voorletters-1"),
                last_name=_text(element, "achternaam"),
                prefix=_text(element, "voorvoegsel"),
                email=_text(element, "emailadres"),
                group_keys=tuple(g.get("key", "") for g in element.iterfind("groepen/*")),
                eck_id=element.get("eckid", ""),
                source=Source(name, line=element.sourceline, element=f"leerkrachten/leerkracht[@key='{key}']"),
            )
        )
    dataset.kinds = dataset.kinds | {"pupils", "groups", "staff"}


def _line(parent: etree._Element | None, tag: str) -> int | None:
    if parent is None:
        return None
    child = parent.find(tag)
    return child.sourceline if child is not None else parent.sourceline
