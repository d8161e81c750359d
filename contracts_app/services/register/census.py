"""Census figures that follow GIAS's links (issue #28, "Next year"): a school with no figure in
the census a price list uses takes its predecessor's (register.census decides when, and the
words). Loaded in bulk - a few IN (...) look-ups for any number of schools, never one query per
school - because a buying round prices every school of the council at once."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select

from pricing.census import CensusRef
from register.census import CensusChoice, Link, census_choice, census_words, predecessors, sole_successor

from contracts_app.extensions import db
from contracts_app.models import CensusFigure, School, SchoolLink
from contracts_app.services.imports import chunked


def links_of(urns: Iterable[int]) -> list[Link]:
    """Every GIAS link naming any of these URNs, at either end, as (urn, link_urn, link_type)."""
    found: dict[int, Link] = {}
    for chunk in chunked(urns):
        for row in db.session.execute(select(SchoolLink.id, SchoolLink.urn, SchoolLink.link_urn,
                                             SchoolLink.link_type).where(
                or_(SchoolLink.urn.in_(chunk), SchoolLink.link_urn.in_(chunk)))):
            found[row.id] = (row.urn, row.link_urn, row.link_type)
    return list(found.values())


def _figures_by_urn(urns: Iterable[int], census: CensusRef) -> dict[int, int]:
    """URN -> pupils in the census, for the schools of the register among these URNs."""
    found: dict[int, int] = {}
    for chunk in chunked(urns):
        found.update(db.session.execute(select(School.urn, CensusFigure.pupils).join(
            CensusFigure, CensusFigure.school_id == School.id).where(
            School.urn.in_(chunk), CensusFigure.census == census.label)).all())
    return found


def choices(schools: Iterable[tuple[int, int]], census: CensusRef) -> dict[int, CensusChoice]:
    """School id -> the figure that prices it in `census` (its own or its predecessor's), for
    (school id, URN) pairs; a school with neither has pupils None and, where useful, why."""
    pairs = list(dict(schools).items())
    urn_of = dict(pairs)
    own = _figures_by_urn(urn_of.values(), census)
    lacking = [urn for urn in urn_of.values() if urn not in own]
    links = links_of(lacking) if lacking else []
    others = {u for link in links for u in link[:2]} - set(own)
    figures = {**own, **(_figures_by_urn(others, census) if others else {})}
    by_urn = _by_urn(links)
    return {school_id: census_choice(urn, own.get(urn), figures, by_urn.get(urn, []), census)
            for school_id, urn in pairs}


def _by_urn(links: Iterable[Link]) -> dict[int, list[Link]]:
    """Each URN's links (at either end): a school's succession is read from its own links only."""
    by_urn: dict[int, list[Link]] = {}
    for link in dict.fromkeys(links):
        for urn in set(link[:2]):
            by_urn.setdefault(urn, []).append(link)
    return by_urn


def covered_by_predecessor(census: CensusRef) -> list[int]:
    """Ids of the schools with no figure of their own in `census` that take a predecessor's (so
    the census's "missing" list leaves them out: they are priced). Only schools GIAS links are read."""
    has_figure = select(CensusFigure.school_id).where(CensusFigure.census == census.label)
    lacking = db.session.execute(select(School.id, School.urn).where(
        School.id.not_in(has_figure), ~School.status.startswith("Closed"),
        or_(School.urn.in_(select(SchoolLink.urn)), School.urn.in_(select(SchoolLink.link_urn))))).all()
    if not lacking:
        return []
    return sorted(school_id for school_id, chosen in choices(lacking, census).items() if chosen.pupils is not None)


def choice_for(school: School, census: CensusRef) -> CensusChoice:
    """The figure that prices one school in `census` (see `choices`)."""
    return choices([(school.id, school.urn)], census)[school.id]


def words(census: CensusRef, chosen: Iterable[CensusChoice]) -> str | None:
    """The explanation's census words when any figure is a predecessor's, else None (the usual)."""
    as_urns = [c.as_urn for c in chosen if c.as_urn is not None]
    return census_words(census, as_urns) if as_urns else None


def successor_of(urn: int) -> tuple[School | None, str]:
    """The school of the register that a closed school's agreement and offer follow, or why none."""
    successor, why = sole_successor(urn, links_of([urn]))
    if successor is None:
        return None, why
    # The successor's own links count too: another predecessor of it means a merger.
    successor, why = sole_successor(urn, links_of([urn, successor]))
    if successor is None:
        return None, why
    school = db.session.scalar(select(School).where(School.urn == successor))
    return (school, "") if school is not None else (None, f"its successor URN {successor} is not in the register")


def followed_predecessors(schools: Iterable[School]) -> dict[int, School]:
    """School id -> the school of the register it succeeds one to one (register.census.sole_successor),
    for the schools given: whose agreement pre-fills a successor's offer when it has none of its own.
    Three look-ups in all, whatever the number of schools."""
    urn_of = {school.id: school.urn for school in schools}
    links = links_of(urn_of.values())
    by_urn = _by_urn(links)
    before = {sid: predecessors(urn, by_urn.get(urn, [])) for sid, urn in urn_of.items()}
    candidates = {sid: next(iter(found)) for sid, found in before.items() if len(found) == 1}
    if not candidates:
        return {}
    by_urn = _by_urn(links + links_of(candidates.values()))
    found: dict[int, School] = {}
    for chunk in chunked(candidates.values()):
        found.update((s.urn, s) for s in db.session.scalars(select(School).where(School.urn.in_(chunk))))
    return {sid: found[urn] for sid, urn in candidates.items()
            if urn in found and _sole_successor(urn, by_urn)[0] == urn_of[sid]}


def _sole_successor(urn: int, by_urn: dict[int, list[Link]]) -> tuple[int | None, str]:
    """register.census.sole_successor on the links of `urn` and of each of its successors."""
    links = list(by_urn.get(urn, []))
    for left, right, _ in by_urn.get(urn, []):
        links += by_urn.get(right if left == urn else left, [])
    return sole_successor(urn, links)
