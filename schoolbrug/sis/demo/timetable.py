"""A plausible weekly timetable for a group."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from schoolbrug.sis.models import Group, TimetableEntry

from . import data


def timetable_for(group: Group, levels: Sequence[int], rng: random.Random) -> list[TimetableEntry]:
    top = max(levels)
    core: tuple[str, ...]
    if top <= 2:
        subjects, core = data.KINDERGARTEN_SUBJECTS, ("Kringactiviteit",)
    else:
        subjects = data.LOWER_SUBJECTS if top <= 5 else data.UPPER_SUBJECTS
        core = ("Rekenen", "Taal")
    entries: list[TimetableEntry] = []
    for weekday in TimetableEntry.Weekday:
        blocks = data.SHORT_DAY_BLOCKS if weekday == TimetableEntry.Weekday.WEDNESDAY else data.FULL_DAY_BLOCKS
        # Every day opens with a core subject, as schools plan the hardest work for the morning.
        first = core[weekday % len(core)]
        rest = rng.sample([subject for subject in subjects if subject != first], len(blocks) - 1)
        for (start, end), subject in zip(blocks, (first, *rest), strict=True):
            entries.append(
                TimetableEntry(
                    group=group,
                    weekday=weekday,
                    start_time=dt.time.fromisoformat(start),
                    end_time=dt.time.fromisoformat(end),
                    subject=subject,
                )
            )
    return entries
