"""Generators for Dutch names, addresses, telephone numbers and e-mail addresses.

Everything draws from one seeded Faker and one seeded random.Random per school, so a school
comes out the same on every machine and does not depend on what was built before it.
"""

from __future__ import annotations

import random
import re
import unicodedata
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import data

if TYPE_CHECKING:
    from faker import Faker

# Prefixes we accept from Faker; its nl_NL list also holds medieval names ("van Bourgondië",
# "von und zu ...") that would look odd in a class list.
ACCEPTED_PREFIXES = frozenset({"", "van", "de", "van der", "van den", "van de", "van 't", "ter", "ten", "den", "te"})
_PLAIN_SURNAME = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ'-]+$")


def split_last_name(full: str) -> tuple[str, str]:
    """Split the tussenvoegsel off a Dutch surname: 'van der Berg' -> ('van der', 'Berg').

    Leading all-lowercase words are the prefix ("'t" included); the rest is the last name.
    """
    words = full.split()
    prefix: list[str] = []
    while len(words) > 1 and words[0] == words[0].lower():
        prefix.append(words.pop(0))
    return " ".join(prefix), " ".join(words)


def slug(*parts: str) -> str:
    text = unicodedata.normalize("NFKD", "".join(parts)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def weighted[T](rng: random.Random, options: Sequence[tuple[T, int]]) -> T:
    values = [value for value, _weight in options]
    weights = [weight for _value, weight in options]
    return rng.choices(values, weights)[0]


class PeopleMaker:
    """Names, phones and e-mail addresses for one school."""

    def __init__(self, fake: Faker, rng: random.Random, *, area_code: str, email_domain: str) -> None:
        self.fake = fake
        self.rng = rng
        self.area_code = area_code
        self.email_domain = email_domain
        self._used_emails: set[str] = set()

    def surname(self) -> tuple[str, str]:
        # Bounded so a change in Faker's lists can never hang the builder.
        for _attempt in range(50):
            prefix, last = split_last_name(self.fake.last_name())
            if prefix in ACCEPTED_PREFIXES and _PLAIN_SURNAME.match(last):
                return prefix, last
        return "", "Jansen"

    def first_name(self, sex: str) -> str:
        return self.fake.first_name_female() if sex == "f" else self.fake.first_name_male()

    def initials(self, first_name: str) -> str:
        initials = f"{first_name[0]}."
        if self.rng.random() < 0.4:
            initials += f"{self.rng.choice('ACEGHJMPRW')}."
        return initials

    def mobile(self) -> str:
        return f"06 {self.rng.randint(10_000_000, 69_999_999)}"

    def landline(self, area_code: str | None = None) -> str:
        # Dutch numbers have ten digits: the area code plus the subscriber number.
        area = area_code or self.area_code
        digits = 10 - len(area)
        return f"{area} {self.rng.randint(2 * 10 ** (digits - 1), 10**digits - 1)}"

    def work_phone(self) -> str:
        return f"088 {self.rng.randint(1_000_000, 9_999_999)}"

    def email(self, first_name: str, prefix: str, last_name: str, domain: str | None = None) -> str:
        local = f"{slug(first_name)}.{slug(prefix, last_name)}"
        domain = domain or self.email_domain
        address, number = f"{local}@{domain}", 1
        while address in self._used_emails:
            number += 1
            address = f"{local}{number}@{domain}"
        self._used_emails.add(address)
        return address

    def reserve_email(self, address: str) -> None:
        self._used_emails.add(address)

    def birth_country(self) -> str:
        return weighted(self.rng, data.BIRTH_COUNTRIES)

    def education_level(self) -> str:
        return weighted(self.rng, data.EDUCATION_LEVELS)

    def pick[T](self, options: Sequence[T]) -> T:
        return self.rng.choice(options)

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability


class AddressMaker:
    """Addresses in one town, with postcodes that pass core.models.postcode_validator."""

    def __init__(self, rng: random.Random, city: str, streets: Sequence[tuple[str, int]]) -> None:
        self.rng = rng
        self.city = city
        self.streets = streets

    def postcode(self, street: str, pc4: int, house_number: int) -> str:
        # Real postcodes change every few dozen houses along a street; derive the letters from
        # the street name (stable across runs, unlike hash()) and the house number.
        base = zlib.crc32(street.encode())
        first = data.POSTCODE_FIRST_LETTERS[base % len(data.POSTCODE_FIRST_LETTERS)]
        second_letters = data.POSTCODE_SECOND_LETTERS
        second = second_letters[(base // 7 + house_number // 24) % len(second_letters)]
        return f"{pc4} {first}{second}"

    def make(self) -> dict[str, Any]:
        street, pc4 = self.rng.choice(self.streets)
        number = self.rng.randint(1, 180)
        suffix = self.rng.choice(("A", "B", "-1", "-2")) if self.rng.random() < 0.06 else ""
        return {
            "street": street,
            "house_number": str(number),
            "house_number_suffix": suffix,
            "postcode": self.postcode(street, pc4, number),
            "city": self.city,
            "country": "Nederland",
        }


def bench_streets(rng: random.Random, low: int, high: int, count: int = 30) -> list[tuple[str, int]]:
    """Made-up but Dutch-sounding street names for a benchmark town."""
    names = {f"{rng.choice(data.BENCH_STREET_PARTS)}{rng.choice(data.BENCH_STREET_KINDS)}" for _ in range(count * 2)}
    return [(name, rng.randint(low, high)) for name in sorted(names)[:count]]
