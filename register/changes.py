"""Which change GIAS implies for a school with an agreement, and the date its agreement ends.

Source: GIAS. A conversion is recorded as the maintained school closing (reason "Academy
converter" / "Academy sponsor led") and a new establishment, with a new URN, opening the next
day, joined by a `Predecessor`/`Successor` link; mergers, amalgamations and splits use the
"- merged", "- amalgamated" and "- Split School" link types; a school that closes with no
successor link simply closes. DESIGN §1 "The register moves (GIAS)" says what each means for
the agreement: a conversion ends it the day before the successor opens, anything else on the
close date. Plain Python: no Flask, no SQLAlchemy.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from register.links import AMALGAMATED, MERGED, PLAIN, SPLIT, link_meaning, predecessor_urns, successor_urns

CONVERSION = "conversion"
MERGER = "merger"
AMALGAMATION = "amalgamation"
SPLIT_SCHOOL = "split"
SUCCESSION = "succession"   # one plain successor that is not an academy (a re-registration)
CLOSURE = "closure"

KIND_NAMES = {
    CONVERSION: "Conversion to academy", MERGER: "Merger", AMALGAMATION: "Amalgamation",
    SPLIT_SCHOOL: "Split", SUCCESSION: "Succession", CLOSURE: "Closure without successor",
}

# GIAS TypeOfEstablishment names of academies and free schools (SLA §3 treats free schools,
# university technical colleges and studio schools as academies).
_ACADEMY_WORDS = ("academy", "free school", "university technical college", "studio school")

_ONE_DAY = timedelta(days=1)
Link = tuple[int, int, str]


@dataclass(frozen=True)
class Establishment:
    """A school as GIAS describes it: what decides the change its links imply."""

    urn: int
    name: str
    status: str
    establishment_type: str
    opened_on: date | None = None
    closed_on: date | None = None
    close_reason: str = ""


@dataclass(frozen=True)
class ImpliedChange:
    """What GIAS implies for a school: the kind, its successors, the day its agreement ends,
    and whether GIAS only proposes it (an upcoming change, never acted on)."""

    kind: str
    urn: int
    successors: tuple[int, ...]
    end_date: date
    upcoming: bool

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind]


def is_closed(status: str) -> bool:
    """GIAS EstablishmentStatus: "Closed" (and not "Open, but proposed to close")."""
    return status.strip().lower().startswith("closed")


def is_academy_or_free_school(establishment_type: str) -> bool:
    """GIAS TypeOfEstablishment: an academy or free school (SLA §3 treats free schools as academies)."""
    name = establishment_type.lower()
    return any(word in name for word in _ACADEMY_WORDS)


def _kinds_between(urn: int, other: int, links: Sequence[Link]) -> set[str]:
    """The kinds of succession the links between two schools record (read from both ends)."""
    kinds = set()
    for left, right, link_type in links:
        if {left, right} == {urn, other}:
            meaning = link_meaning(link_type)
            if meaning.is_succession:
                kinds.add(meaning.kind)
    return kinds


def change_kind(school: Establishment, successors: Sequence[int], links: Sequence[Link],
                register: Mapping[int, Establishment]) -> str:
    """GIAS links: the kind of change. A conversion is one plain successor, an academy or free
    school, succeeding this school alone; a split has several successors (or says so); merged
    and amalgamated links, or a successor with other predecessors, are a merger/amalgamation."""
    if not successors:
        return CLOSURE
    kinds = set().union(*(_kinds_between(school.urn, s, links) for s in successors))
    if SPLIT in kinds or len(successors) > 1:
        return SPLIT_SCHOOL
    successor = successors[0]
    if AMALGAMATED in kinds:
        return AMALGAMATION
    if MERGED in kinds or predecessor_urns(successor, list(links)) != [school.urn]:
        return MERGER
    found = register.get(successor)
    if kinds == {PLAIN} and found is not None and is_academy_or_free_school(found.establishment_type):
        return CONVERSION
    return SUCCESSION


def end_date(kind: str, school: Establishment, register: Mapping[int, Establishment],
             successors: Sequence[int]) -> date:
    """The last day of the predecessor's agreement. GIAS/DESIGN §1: a conversion ends the day
    before the successor opens (GIAS opens the academy the day after the school closes); every
    other change ends on the close date."""
    if kind == CONVERSION:
        successor = register.get(successors[0])
        if successor is not None and successor.opened_on is not None:
            return successor.opened_on - _ONE_DAY
    assert school.closed_on is not None
    return school.closed_on


def implied_change(school: Establishment, links: Sequence[Link],
                   register: Mapping[int, Establishment]) -> ImpliedChange | None:
    """GIAS: the change a school's close date and links imply, or None while it has no close date.

    ``links`` are (urn, link_urn, link_type) rows touching the school or its successors;
    ``register`` maps URNs to the schools the register holds. A school "proposed to close"
    (a close date, status still open) gives an upcoming change: shown, never applied."""
    if school.closed_on is None:
        return None
    successors = successor_urns(school.urn, list(links))
    kind = change_kind(school, successors, links, register)
    return ImpliedChange(kind, school.urn, tuple(successors), end_date(kind, school, register, successors),
                         upcoming=not is_closed(school.status))
