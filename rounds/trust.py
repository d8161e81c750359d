"""The round for a trust (issue #29, DESIGN "Trusts"): a trust signatory accepts for any of the
trust's academies in one step, one acceptance recorded per academy through the school's own
rules; all or nothing. Pure rules: who may, which offers, and how a refusal names its academy."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rounds.rules import NotAuthorised, RoundRefused

MAX_OFFERS = 500


def check_trust_signatory(role: str, own_trust: bool, signatory: bool, trust_name: str, who_can: str) -> None:
    """DESIGN "Trusts": a signatory of the trust - a school user scoped to it and authorised to
    commit spending - accepts for its academies; anyone else may read the page but not accept."""
    if role != "school":
        raise NotAuthorised(f"the {role} role cannot accept for a trust: a signatory of {trust_name} accepts its "
                            "academies' offers (the SLA team records an acceptance on the academy's offer after "
                            "the close)")
    if not own_trust:
        raise NotAuthorised(f"only a user of {trust_name} can accept for its academies")
    if not signatory:
        raise NotAuthorised(f"only a signatory, authorised to commit spending for {trust_name}, can accept for "
                            f"its academies; {who_can}".rstrip("; "))


def chosen_offers(offer_ids: Iterable[int]) -> list[int]:
    """The offers to accept, each once, in one order (ascending id: two acceptances that share
    offers take their row locks in the same order, so they queue rather than deadlock)."""
    ids = list(offer_ids)
    if not ids:
        raise RoundRefused("choose at least one academy's offer to accept")
    if len(ids) > MAX_OFFERS:
        raise RoundRefused(f"at most {MAX_OFFERS} offers can be accepted in one step")
    repeated = sorted(i for i, n in Counter(ids).items() if n > 1)
    if repeated:
        raise RoundRefused(f"offer {', '.join(map(str, repeated))} is chosen more than once")
    return sorted(ids)


def trust_answers_for(covered: Iterable[int], academies: set[int]) -> bool:
    """A trust answers for an offer whose every school is its academy today: one academy's, or a
    group's (§2.1) whose members all belong to the trust - never for a school outside it."""
    ids = set(covered)
    return bool(ids) and ids <= academies


def not_of_trust(offer_id: int, trust_name: str) -> RoundRefused:
    """An offer that is not to one of the trust's academies today (or no offer at all)."""
    return RoundRefused(f"offer {offer_id} is not an offer to an academy of {trust_name}: nothing was accepted")


def refused_for(exc: RoundRefused | Exception, message: str, academy: str, offer_id: int) -> RoundRefused:
    """One academy's refusal, naming the academy and its offer: the whole step is refused (403 stays 403)."""
    text = f"{academy} (offer {offer_id}): {message}; nothing was accepted"
    return NotAuthorised(text) if isinstance(exc, NotAuthorised) else RoundRefused(text)
