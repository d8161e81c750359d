"""rounds/trust.py: who accepts for a trust, which offers a step takes, and how a refusal names
the academy (issue #29)."""
from __future__ import annotations

import pytest

from rounds.rules import NotAuthorised, RoundRefused
from rounds.trust import MAX_OFFERS, check_trust_signatory, chosen_offers, not_of_trust, refused_for


def test_only_a_signatory_of_the_trust_accepts():
    check_trust_signatory("school", True, True, "Spires", "")
    with pytest.raises(NotAuthorised, match="a signatory of Spires accepts"):
        check_trust_signatory("admin", False, False, "Spires", "")
    with pytest.raises(NotAuthorised, match="only a user of Spires"):
        check_trust_signatory("school", False, True, "Spires", "")
    with pytest.raises(NotAuthorised, match="authorised to commit spending for Spires.*; Ann can"):
        check_trust_signatory("school", True, False, "Spires", "Ann can")


def test_chosen_offers_are_each_once_in_one_order():
    assert chosen_offers([9, 3, 5]) == [3, 5, 9]
    with pytest.raises(RoundRefused, match="at least one"):
        chosen_offers([])
    with pytest.raises(RoundRefused, match="offer 3 is chosen more than once"):
        chosen_offers([3, 5, 3])
    with pytest.raises(RoundRefused, match=f"at most {MAX_OFFERS}"):
        chosen_offers(range(1, MAX_OFFERS + 2))


def test_a_refusal_names_the_academy_and_keeps_its_kind():
    named = refused_for(RoundRefused("x"), "the round closed", "Binley Academy", 7)
    assert type(named) is RoundRefused
    assert named.message == "Binley Academy (offer 7): the round closed; nothing was accepted"
    assert type(refused_for(NotAuthorised("x"), "no", "Binley", 7)) is NotAuthorised
    assert "offer 12 is not an offer to an academy of Spires" in not_of_trust(12, "Spires").message
