"""Consecutive conferences for siblings (CONF-2): pure functions, no I/O.

A family with children in several groups is offered one slot per child, with the children's
teachers one after another on the same day: each next conference starts no earlier than the
changeover buffer after the previous one ends, and waits at most one more conference length.
Best first: the least waiting, then the earliest start.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import permutations


@dataclass(frozen=True)
class FreeSlot:
    id: int
    staff_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Combination:
    choices: tuple[tuple[int, FreeSlot], ...]  # (pupil id, slot) in time order
    waiting: timedelta

    @property
    def starts_at(self) -> datetime:
        return self.choices[0][1].starts_at

    @property
    def key(self) -> str:
        return ",".join(f"{pupil}:{slot.id}" for pupil, slot in self.choices)


def consecutive_combinations(
    free_by_pupil: Mapping[int, Sequence[FreeSlot]], buffer: timedelta, slot_length: timedelta, limit: int = 8
) -> list[Combination]:
    """Best-first combinations of one free slot per pupil, back to back across teachers."""
    pupils = [pupil for pupil, slots in free_by_pupil.items() if slots]
    if len(pupils) < 2 or len(pupils) != len(free_by_pupil):
        return []
    found: dict[str, Combination] = {}
    longest_wait = buffer + slot_length
    for order in permutations(pupils):
        for first in free_by_pupil[order[0]]:
            chosen: list[tuple[int, FreeSlot]] = [(order[0], first)]
            waiting = timedelta(0)
            for pupil in order[1:]:
                previous = chosen[-1][1]
                candidates = [
                    slot
                    for slot in free_by_pupil[pupil]
                    if slot.starts_at.date() == previous.starts_at.date()
                    and previous.ends_at + changeover(previous, slot, buffer)
                    <= slot.starts_at
                    <= previous.ends_at + longest_wait
                    and all(slot.id != used.id for _p, used in chosen)
                ]
                if not candidates:
                    break
                best = min(candidates, key=lambda slot: slot.starts_at)
                waiting += best.starts_at - previous.ends_at
                chosen.append((pupil, best))
            if len(chosen) == len(order):
                combination = Combination(tuple(chosen), waiting)
                found.setdefault(combination.key, combination)
    ranked = sorted(found.values(), key=lambda c: (c.waiting, c.starts_at, c.key))
    # One offer per starting moment keeps the list short and varied.
    offers: list[Combination] = []
    starts: set[datetime] = set()
    for combination in ranked:
        if combination.starts_at in starts:
            continue
        starts.add(combination.starts_at)
        offers.append(combination)
        if len(offers) == limit:
            break
    return offers


def changeover(previous: FreeSlot, following: FreeSlot, buffer: timedelta) -> timedelta:
    # The buffer is for walking to another classroom; the same teacher needs none.
    return buffer if following.staff_id != previous.staff_id else timedelta(0)
