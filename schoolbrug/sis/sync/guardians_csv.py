"""The guardian file: a CSV a school can export from its administration (SIS-9).

EDEXML carries no parents, so guardians come in a separate file keyed on the pupil's key from the
EDEXML export. The format (documented in docs/sis-sync.md, template in
`templates_files/guardians-template.csv`):

- UTF-8, with or without a byte-order mark; the separator `;` or `,` (Excel in Dutch writes `;`);
  a header row; one row per guardian and pupil (a guardian of two children has two rows with the
  same guardian key).
- Columns, in any order; the header may use the English or the Dutch name (case and spaces do not
  matter). Required: pupil key, guardian key, last name. A column that is missing or a cell that
  is empty means "the file does not say": Schoolbrug keeps what it has.

Every problem becomes an `Issue` with the file name and the line number (the header is line 1).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from schoolbrug.core.models import normalise_postcode, phone_validator, postcode_validator

from .dataset import GUARDIAN_PERSONAL_FIELDS, Dataset, GuardianData, Issue, Source

TEMPLATE_PATH = Path(__file__).resolve().parent / "templates_files" / "guardians-template.csv"


@dataclass(frozen=True)
class Column:
    field: str
    names: tuple[str, ...]  # accepted header names, normalised (lower case, no spaces/_/-)
    required: bool = False


COLUMNS = (
    Column("pupil_key", ("pupilkey", "leerlingkey", "leerlingsleutel", "leerlingnummer", "leerling"), required=True),
    Column(
        "guardian_key",
        ("guardiankey", "verzorgerkey", "verzorgersleutel", "verzorgernummer", "ouderkey"),
        required=True,
    ),
    Column("first_name", ("firstname", "givenname", "voornaam", "roepnaam")),
    Column("prefix", ("prefix", "middlename", "tussenvoegsel", "voorvoegsel")),
    Column("last_name", ("lastname", "familyname", "achternaam"), required=True),
    Column("initials", ("initials", "voorletters")),
    Column("relation", ("relation", "relationship", "relatie", "rol")),
    Column("email", ("email", "emailaddress", "mail", "emailadres")),
    Column("phone_mobile", ("mobilephone", "phonemobile", "mobile", "mobiel", "mobielnummer", "telefoonmobiel")),
    Column("phone_home", ("homephone", "phonehome", "phone", "telefoon", "telefoonthuis", "thuis")),
    Column("phone_work", ("workphone", "phonework", "telefoonwerk", "werk")),
    Column("street", ("street", "straat", "straatnaam")),
    Column("house_number", ("housenumber", "huisnummer")),
    Column("postcode", ("postcode", "postalcode", "zipcode", "zip")),
    Column("city", ("city", "town", "plaats", "woonplaats")),
    Column("country", ("country", "land")),
    Column("portal_access", ("portalaccess", "portaltoegang", "toegangportaal", "toegang")),
    Column("app_invitation", ("appinvitation", "invite", "uitnodigingapp", "appuitnodiging", "uitnodigen")),
)
TEMPLATE_HEADER = (
    "pupil_key",
    "guardian_key",
    "first_name",
    "prefix",
    "last_name",
    "initials",
    "relation",
    "email",
    "phone_mobile",
    "phone_home",
    "phone_work",
    "street",
    "house_number",
    "postcode",
    "city",
    "country",
    "portal_access",
    "app_invitation",
)

# Words a school's administration writes for the relation, Dutch and English → Guardianship.Relation.
RELATIONS = {
    "mother": ("moeder", "mother", "mum", "mom", "mama"),
    "father": ("vader", "father", "dad", "papa"),
    "parent": ("ouder", "parent", "ouderverzorger"),
    "stepparent": ("stiefouder", "stiefmoeder", "stiefvader", "stepparent", "stepmother", "stepfather"),
    "foster_parent": ("pleegouder", "pleegmoeder", "pleegvader", "fosterparent", "fostermother", "fosterfather"),
    "carer": ("verzorger", "verzorgster", "voogd", "carer", "caregiver", "guardian", "legalguardian"),
    "grandparent": (
        "grootouder",
        "grootmoeder",
        "grootvader",
        "oma",
        "opa",
        "grandparent",
        "grandmother",
        "grandfather",
    ),
    "other": ("anders", "overig", "other", "relative", "familielid"),
}
RELATION_BY_WORD = {word: value for value, words in RELATIONS.items() for word in words}
YES = {"ja", "j", "yes", "y", "1", "true", "waar", "x"}
NO = {"nee", "n", "no", "0", "false", "onwaar"}
LINK_FIELDS = ("relation", "portal_access", "app_invitation")


def template_csv() -> bytes:
    """The downloadable template: the header and two example rows (UTF-8 with BOM, so Excel opens
    it with the right characters)."""
    return TEMPLATE_PATH.read_bytes()


def _normalise_header(name: str) -> str:
    return "".join(ch for ch in name.strip().lower() if ch.isalnum())


def _word(value: str) -> str:
    return "".join(ch for ch in value.strip().lower() if ch.isalnum())


def looks_like_guardian_csv(text_head: str) -> bool:
    """True when the first line names a pupil key and a guardian key column."""
    first = text_head.splitlines()[0] if text_head else ""
    names = {_normalise_header(part) for part in first.replace(";", ",").split(",")}
    return any(n in names for n in COLUMNS[0].names) and any(n in names for n in COLUMNS[1].names)


def decode(name: str, content: bytes, dataset: Dataset) -> str | None:
    """UTF-8 text without BOM, or None with an Issue naming the line of the first bad byte."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        dataset.issues.append(
            Issue(
                Source(name, line=line),
                _(
                    "The file is not UTF-8 text (a byte that is not UTF-8 at position %(column)s). "
                    "Save it as “CSV UTF-8” and upload it again."
                )
                % {"column": error.start - content.rfind(b"\n", 0, error.start)},
            )
        )
        return None


def read_guardians_csv(name: str, content: bytes) -> Dataset:
    """Reads one guardian CSV. Never raises on bad input: every problem becomes an `Issue`."""
    dataset = Dataset(kinds=frozenset({"guardians"}))
    text = decode(name, content, dataset)
    if text is None:
        return dataset
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        dataset.issues.append(Issue(Source(name, line=1), _("The file is empty: a header row is needed.")))
        return dataset

    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        wanted = _normalise_header(title)
        if not wanted:
            continue
        column = next((c for c in COLUMNS if wanted in c.names), None)
        if column is None:
            dataset.notes.append(
                _("%(file)s: the column “%(column)s” is not used.") % {"file": name, "column": title.strip()}
            )
        elif column.field in positions:
            dataset.issues.append(
                Issue(Source(name, line=1), _("The column “%(column)s” appears twice.") % {"column": title.strip()})
            )
        else:
            positions[column.field] = index
    missing = [c.field for c in COLUMNS if c.required and c.field not in positions]
    if missing:
        dataset.issues.append(
            Issue(
                Source(name, line=1),
                _("Required columns are missing: %(columns)s. The header row needs at least %(required)s.")
                % {"columns": ", ".join(missing), "required": "pupil_key, guardian_key, last_name"},
            )
        )
        return dataset

    guardians: dict[str, GuardianData] = {}
    seen_links: dict[tuple[str, str], int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            guardian = _read_row(name, line, row, positions, dataset)
            if guardian is None:
                continue
            link = (guardian.key, guardian.pupil_keys[0])
            if link in seen_links:
                dataset.issues.append(
                    Issue(
                        Source(name, line=line),
                        _("Guardian %(guardian)s and pupil %(pupil)s were already on line %(line)s.")
                        % {"guardian": link[0], "pupil": link[1], "line": seen_links[link]},
                    )
                )
                continue
            seen_links[link] = line
            earlier = guardians.get(guardian.key)
            if earlier is None:
                guardians[guardian.key] = guardian
                continue
            fields = (*GUARDIAN_PERSONAL_FIELDS, *LINK_FIELDS)
            conflicts = [f for f in fields if getattr(earlier, f) != getattr(guardian, f)]
            if conflicts:
                dataset.issues.append(
                    Issue(
                        Source(name, line=line),
                        _("Guardian %(guardian)s is on line %(line)s as well, with other values for: %(fields)s.")
                        % {
                            "guardian": guardian.key,
                            "line": earlier.source.line if earlier.source else "?",
                            "fields": ", ".join(conflicts),
                        },
                    )
                )
                continue
            guardians[guardian.key] = GuardianData(
                **{**earlier.__dict__, "pupil_keys": (*earlier.pupil_keys, *guardian.pupil_keys)}
            )
    except csv.Error as error:
        dataset.issues.append(
            Issue(
                Source(name, line=reader.line_num), _("The CSV cannot be read here (%(detail)s).") % {"detail": error}
            )
        )
    dataset.guardians.extend(guardians.values())
    return dataset


def _read_row(name: str, line: int, row: list[str], positions: dict[str, int], dataset: Dataset) -> GuardianData | None:
    values = {field: (row[index].strip() if index < len(row) else "") for field, index in positions.items()}
    source = Source(name, line=line)
    problems: list[str] = []
    for field in ("pupil_key", "guardian_key", "last_name"):
        if not values[field]:
            problems.append(_("the column %(column)s is empty") % {"column": field})
    relation = ""
    if values.get("relation"):
        relation = RELATION_BY_WORD.get(_word(values["relation"]), "")
        if not relation:
            problems.append(
                _(
                    "the relation “%(value)s” is unknown (use for example moeder, vader, ouder, verzorger, "
                    "mother, father, parent, carer)"
                )
                % {"value": values["relation"]}
            )
    email = values.get("email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("“%(value)s” is not an e-mail address") % {"value": email})
    for field in ("phone_mobile", "phone_home", "phone_work"):
        if values.get(field):
            try:
                phone_validator(values[field])
            except ValidationError:
                problems.append(_("“%(value)s” is not a telephone number") % {"value": values[field]})
    postcode = values.get("postcode", "")
    country = values.get("country", "")
    if postcode and _word(country) in ("", "nl", "nederland", "netherlands", "thenetherlands"):
        try:
            postcode_validator(postcode)
            postcode = normalise_postcode(postcode)
        except ValidationError:
            problems.append(_("“%(value)s” is not a Dutch postcode such as 7411 AB") % {"value": postcode})
    flags: dict[str, bool | None] = {}
    for field in ("portal_access", "app_invitation"):
        word = _word(values.get(field, ""))
        if not word:
            flags[field] = None
        elif word in YES:
            flags[field] = True
        elif word in NO:
            flags[field] = False
        else:
            flags[field] = None
            problems.append(
                _("%(column)s must be ja/nee or yes/no, not “%(value)s”") % {"column": field, "value": values[field]}
            )
    if problems:
        for problem in problems:
            dataset.issues.append(Issue(source, problem[:1].upper() + problem[1:] + "."))
        return None
    return GuardianData(
        key=values["guardian_key"],
        pupil_keys=(values["pupil_key"],),
        first_name=values.get("first_name", ""),
        last_name=values["last_name"],
        prefix=values.get("prefix", ""),
        initials=values.get("initials", ""),
        relation=relation,
        email=email.lower(),
        phone_mobile=values.get("phone_mobile", ""),
        phone_home=values.get("phone_home", ""),
        phone_work=values.get("phone_work", ""),
        street=values.get("street", ""),
        house_number=values.get("house_number", ""),
        postcode=postcode,
        city=values.get("city", ""),
        country=country,
        portal_access=flags["portal_access"],
        app_invitation=flags["app_invitation"],
        source=source,
    )
