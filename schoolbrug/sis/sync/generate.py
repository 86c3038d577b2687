"""Export files as a school's administration writes them, generated for tests and the benchmark.

Deterministic (no randomness): pupil i is in group i % groups, guardian j belongs to pupil
j * pupils // guardians, so siblings share guardians as in a real school.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

FIRST = ("Lieke", "Bram", "Sanne", "Daan", "Emma", "Sem", "Noor", "Finn", "Julia", "Levi", "Mila", "Luuk")
LAST = ("Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos")


def _split(name: str) -> tuple[str, str]:
    prefix, _sep, last = name.rpartition(" ")
    return prefix, last


@dataclass
class Export:
    """One school's export; change fields and call `edexml()`/`guardians_csv()` again for a later one."""

    brin: str = "12AB"
    school_year: str = "2026-2027"
    pupils: int = 30
    groups: int = 4
    teachers: int = 6
    guardians: int = 48
    version: str = "2.1"
    # pupil key → overrides of the generated values (first_name, last_name, group, birth_date)
    pupil_overrides: dict[str, dict[str, str]] = field(default_factory=dict)
    left_out: set[str] = field(default_factory=set)  # pupil keys not in the file
    guardian_overrides: dict[str, dict[str, str]] = field(default_factory=dict)
    branch_code: str = "00"
    branches: dict[str, str] = field(default_factory=dict)  # vestiging key → name

    def pupil(self, i: int) -> dict[str, str]:
        prefix, last = _split(LAST[(i // len(FIRST)) % len(LAST)])
        key = f"LL{i:05d}"
        values = {
            "key": key,
            "first_name": FIRST[i % len(FIRST)],
            "prefix": prefix,
            "last_name": last,
            "birth_date": (dt.date(2015, 1, 1) + dt.timedelta(days=i * 3 % 2500)).isoformat(),
            "group": f"G{i % self.groups:03d}",
            "sex": "1" if i % 2 else "2",
        }
        values.update(self.pupil_overrides.get(key, {}))
        return values

    def edexml(self) -> bytes:
        eck = ' eckid="https://id.school/LL_{key}"' if self.version == "2.1" else ""
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<EDEX xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:noNamespaceSchemaLocation="EDEXML.structuur.xsd">',
            f"<school><schooljaar>{self.school_year}</schooljaar><brincode>{self.brin}</brincode>"
            f"<dependancecode>{self.branch_code}</dependancecode><xsdversie>{self.version}</xsdversie></school>",
        ]
        if self.branches:
            lines.append("<vestigingen>")
            lines.extend(f'<vestiging key="{k}"><naam>{n}</naam></vestiging>' for k, n in self.branches.items())
            lines.append("</vestigingen>")
        lines.append("<groepen>")
        for g in range(self.groups):
            lines.append(f'<groep key="G{g:03d}"><naam>Groep {g % 8 + 1}{chr(65 + g // 8)}</naam>'
                         f"<jaargroep>{g % 8 + 1}</jaargroep></groep>")  # fmt: skip
        lines.append("</groepen><leerlingen>")
        for i in range(self.pupils):
            p = self.pupil(i)
            if p["key"] in self.left_out:
                continue
            level = int(p["group"][1:]) % 8 + 1
            prefix = f"<voorvoegsel>{escape(p['prefix'])}</voorvoegsel>" if p["prefix"] else ""
            lines.append(
                f'<leerling key="{p["key"]}"{eck.format(key=p["key"])}>'
                f"<achternaam>{escape(p['last_name'])}</achternaam>{prefix}"
                f"<voornamen>{escape(p['first_name'])}</voornamen><roepnaam>{escape(p['first_name'])}</roepnaam>"
                f"<geboortedatum>{p['birth_date']}</geboortedatum><geslacht>{p['sex']}</geslacht>"
                f'<jaargroep>{level}</jaargroep><groep key="{p["group"]}"/></leerling>'
            )
        lines.append("</leerlingen><leerkrachten>")
        for t in range(self.teachers):
            prefix, last = _split(LAST[(t + 3) % len(LAST)])
            prefix_xml = f"<voorvoegsel>{prefix}</voorvoegsel>" if prefix else ""
            groups = f'<groep key="G{t % self.groups:03d}"/>' if t < self.groups * 2 else ""
            lines.append(
                f'<leerkracht key="LK{t:04d}"><achternaam>{last}</achternaam>{prefix_xml}'
                f"<roepnaam>{FIRST[(t + 5) % len(FIRST)]}</roepnaam>"
                f"<emailadres>leerkracht{t}@school.example</emailadres>"
                f"<groepen>{groups}</groepen></leerkracht>"
            )
        lines.append("</leerkrachten></EDEX>")
        return "\n".join(lines).encode()

    def guardians_csv(self) -> bytes:
        rows = ["pupil_key;guardian_key;first_name;prefix;last_name;relation;email;phone_mobile;postcode;city;"
                "portal_access;app_invitation"]  # fmt: skip
        for j in range(self.guardians):
            pupil = self.pupil(j * self.pupils // self.guardians)
            if pupil["key"] in self.left_out:
                continue
            key = f"V{j:05d}"
            values = {
                "first_name": FIRST[(j + 7) % len(FIRST)],
                "prefix": pupil["prefix"],
                "last_name": pupil["last_name"],
                "relation": "moeder" if j % 2 else "vader",
                "email": f"ouder{j}@gezin.example",
                "phone_mobile": f"06 {10000000 + j}",
                "postcode": f"{7400 + j % 500} AB",
                "city": "Deventer",
                "portal_access": "",
                "app_invitation": "ja",
            }
            values.update(self.guardian_overrides.get(key, {}))
            rows.append(";".join([pupil["key"], key, *values.values()]))
        return ("\r\n".join(rows) + "\r\n").encode("utf-8-sig")
