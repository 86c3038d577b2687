"""Group names shifted one year level up: "Groep 3" → "Groep 4", "3A" → "4A", "groep 3/4" → "groep 4/5".

Pure functions on strings, so the rules are tested without a database.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

# A year-level label inside a name: one level 1-8, or several joined by "/" or "-", not part of
# a longer number ("Groep 12" or "Lokaal 101" are not levels). A letter may follow ("3A", "6b").
LABEL = re.compile(r"(?<![0-9])([1-8](?:\s*[/-]\s*[1-8])*)(?![0-9])")
SEPARATOR = re.compile(r"\s*([/-])\s*")


@dataclass(frozen=True)
class LevelLabel:
    start: int
    end: int
    levels: tuple[int, ...]
    separator: str


def find_label(name: str, levels: Collection[int] = ()) -> LevelLabel | None:
    """The part of `name` that names its year levels. With `levels`, only a label naming exactly
    those levels counts (a group "Groep 3 Noord" with levels 5/6 has no label we trust)."""
    for match in LABEL.finditer(name):
        text = match.group(1)
        found = tuple(sorted({int(ch) for ch in text if ch.isdigit()}))
        if levels and set(found) != set(levels):
            continue
        separator_match = SEPARATOR.search(text)
        separator = separator_match.group(1) if separator_match else "/"
        return LevelLabel(match.start(1), match.end(1), found, separator)
    return None


def levels_from_name(name: str) -> tuple[int, ...]:
    label = find_label(name)
    return label.levels if label else ()


def renamed(name: str, old_levels: Collection[int], new_levels: Collection[int]) -> str | None:
    """`name` with its level label replaced by `new_levels`; None when the name carries no label
    for `old_levels` (the caller keeps such a name and says so)."""
    label = find_label(name, old_levels)
    if label is None or not new_levels:
        return None
    text = label.separator.join(str(level) for level in sorted(new_levels))
    return name[: label.start] + text + name[label.end :]
