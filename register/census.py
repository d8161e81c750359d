"""Next year follows a conversion (issue #28, "Next year"): whose census figure prices a school
that has none, which school an agreement or offer follows, and the words that say so.

A converter academy opens with a new URN, so the census the price list uses (§2.6, January by
default) often holds its pupils under its predecessor's URN. GIAS's links file says which school
came before (register.links); this module decides when that figure may stand in.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from pricing.census import CensusRef
from register.links import PLAIN, PREDECESSOR, SUCCESSOR, link_meaning

Link = tuple[int, int, str]  # (urn, link_urn, link_type) as GIAS's links file has it


@dataclass(frozen=True)
class CensusChoice:
    """The figure that prices a school: its own, its predecessor's (``as_urn``), or none and why."""

    pupils: int | None
    as_urn: int | None = None
    problem: str = ""


def _succession(urn: int, links: Sequence[Link], wanted: str) -> dict[int, set[str]]:
    """URN -> kinds of link, for the schools that are `urn`'s predecessors (or successors),
    read from both ends of each link (a row names either side)."""
    opposite = SUCCESSOR if wanted == PREDECESSOR else PREDECESSOR
    found: dict[int, set[str]] = {}
    for left, right, link_type in links:
        meaning = link_meaning(link_type)
        if left == urn and meaning.direction == wanted:
            found.setdefault(right, set()).add(meaning.kind or "")
        elif right == urn and meaning.direction == opposite:
            found.setdefault(left, set()).add(meaning.kind or "")
    found.pop(urn, None)
    return found


def predecessors(urn: int, links: Sequence[Link]) -> dict[int, set[str]]:
    """`urn`'s predecessors and how each link joins them (register.links kinds)."""
    return _succession(urn, links, PREDECESSOR)


def successors(urn: int, links: Sequence[Link]) -> dict[int, set[str]]:
    """`urn`'s successors and how each link joins them (register.links kinds)."""
    return _succession(urn, links, SUCCESSOR)


def census_choice(urn: int, own: int | None, figures: Mapping[int, int], links: Sequence[Link],
                  census: CensusRef) -> CensusChoice:
    """The figure that prices `urn` in `census`: its own; else, when it has exactly one predecessor
    joined by a plain (converter) link, that predecessor's figure for the same census (GIAS links
    file; §2.6 "pupil numbers ... from the census"). Several predecessors (an amalgamation) or a
    merged or split link leave the figure missing: adding or sharing pupils would be a guess.
    `figures`: URN -> pupils in `census` for the schools that may stand in."""
    if own is not None:
        return CensusChoice(own)
    before = predecessors(urn, links)
    if not before:
        return CensusChoice(None)
    if len(before) > 1:
        names = ", ".join(str(u) for u in sorted(before))
        return CensusChoice(None, problem=f"no {census.description} census figure: URN {urn} has several "
                                          f"predecessors ({names}), so none of their figures is used")
    (previous, kinds), = before.items()
    if kinds != {PLAIN}:
        return CensusChoice(None, problem=f"no {census.description} census figure: URN {previous} was "
                                          f"{'/'.join(sorted(k for k in kinds if k))} into URN {urn}, so its "
                                          "figure is not this school's")
    if previous not in figures:
        return CensusChoice(None, problem=f"no {census.description} census figure for URN {urn} or its "
                                          f"predecessor URN {previous}")
    return CensusChoice(figures[previous], as_urn=previous)


def census_words(census: CensusRef, as_urns: Sequence[int] = ()) -> str:
    """How an explanation names the census: ``January 2026 census``, or with a predecessor's
    figure ``January 2026 census, as URN 990003`` (issue #28's wording)."""
    if not as_urns:
        return f"{census.description} census"
    label = "URN" if len(as_urns) == 1 else "URNs"
    return f"{census.description} census, as {label} {', '.join(str(u) for u in as_urns)}"


def is_closed_by(status: str, closed_on: date | None, day: date) -> bool:
    """GIAS: a school whose status is "Closed" (and, when dated, closed before `day`). "Open, but
    proposed to close" is an upcoming change, never acted on (issue #28)."""
    if not (status or "").strip().lower().startswith("closed"):
        return False
    return closed_on is None or closed_on < day


def sole_successor(urn: int, links: Sequence[Link]) -> tuple[int | None, str]:
    """The one school a closed school's agreement and offer follow, or None and why not: exactly
    one successor, which has no other predecessor (a split or an amalgamation is the SLA team's
    to divide or combine: issue #28, "Merger / amalgamation / split")."""
    after = successors(urn, links)
    if not after:
        return None, f"URN {urn} has no successor in GIAS's links"
    if len(after) > 1:
        return None, f"URN {urn} has several successors ({', '.join(str(u) for u in sorted(after))})"
    (successor, _), = after.items()
    others = sorted(set(predecessors(successor, links)) - {urn})
    if others:
        return None, (f"its successor URN {successor} has other predecessors too "
                      f"({', '.join(str(u) for u in others)})")
    return successor, ""
