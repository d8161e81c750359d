"""GIAS links (the `links_edubasealldata*.csv` file): what each link type says.

Each row reads "URN is linked to LinkURN as LinkType": `Successor` means LinkURN took over from
URN; `Predecessor` means LinkURN came before URN. GIAS also uses the "- merged", "- amalgamated"
and "- Split School" variants, "Result of Amalgamation" (LinkURN is the school the amalgamation
made), the "Merged - ..." capacity/age-range types, and links that are not a succession at all
(sixth-form centres, Closure, Expansion, Other). Every type is kept as GIAS spells it; this
module only says which way a link points and what kind of change it records.
"""
from __future__ import annotations

from dataclasses import dataclass

PREDECESSOR = "predecessor"
SUCCESSOR = "successor"
OTHER = "other"

# The kind of change a succession records (source: GIAS's LinkType values, links file of
# 22 April 2025).
PLAIN = "plain"            # one school becomes another: academy conversion, re-registration
MERGED = "merged"
AMALGAMATED = "amalgamated"
SPLIT = "split"

_DIRECTION = {
    "predecessor": (PREDECESSOR, PLAIN),
    "successor": (SUCCESSOR, PLAIN),
    "predecessor - merged": (PREDECESSOR, MERGED),
    "successor - merged": (SUCCESSOR, MERGED),
    "predecessor - amalgamated": (PREDECESSOR, AMALGAMATED),
    "successor - amalgamated": (SUCCESSOR, AMALGAMATED),
    "result of amalgamation": (SUCCESSOR, AMALGAMATED),
    "predecessor - split school": (PREDECESSOR, SPLIT),
    "successor - split school": (SUCCESSOR, SPLIT),
}


@dataclass(frozen=True)
class LinkMeaning:
    """Which way a link points from its URN, and the kind of change (None when not a succession)."""

    direction: str
    kind: str | None

    @property
    def is_succession(self) -> bool:
        return self.direction != OTHER


def link_meaning(link_type: str) -> LinkMeaning:
    """GIAS links file, LinkType: a predecessor, a successor (and how), or another kind of link.

    Unknown and non-succession types ("Sixth Form Centre Link", "Closure", "Expansion", "Other",
    "Merged - change in age range") are kept but never read as a succession, so they never end
    an agreement."""
    direction, kind = _DIRECTION.get(" ".join(link_type.split()).lower(), (OTHER, None))
    return LinkMeaning(direction, kind)


def successor_urns(urn: int, links: list[tuple[int, int, str]]) -> list[int]:
    """The URNs that succeed `urn`, read from both ends of each link: `urn` naming a successor,
    or another school naming `urn` as its predecessor. `links` are (urn, link_urn, link_type)."""
    found: set[int] = set()
    for left, right, link_type in links:
        direction = link_meaning(link_type).direction
        if left == urn and direction == SUCCESSOR:
            found.add(right)
        elif right == urn and direction == PREDECESSOR:
            found.add(left)
    return sorted(found)


def predecessor_urns(urn: int, links: list[tuple[int, int, str]]) -> list[int]:
    """The URNs that `urn` succeeds, read from both ends of each link (see successor_urns)."""
    found: set[int] = set()
    for left, right, link_type in links:
        direction = link_meaning(link_type).direction
        if left == urn and direction == PREDECESSOR:
            found.add(right)
        elif right == urn and direction == SUCCESSOR:
            found.add(left)
    return sorted(found)
