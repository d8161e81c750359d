"""GIAS link types read both ways, on the real links file (issue #28)."""
import csv
from collections import Counter
from pathlib import Path

import pytest

from register.links import OTHER, PREDECESSOR, SUCCESSOR, link_meaning, predecessor_urns, successor_urns

LINKS_FILE = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "gias" / "links_edubasealldata20250422.csv"


@pytest.mark.parametrize("link_type,direction,kind", [
    ("Successor", SUCCESSOR, "plain"),
    ("Predecessor", PREDECESSOR, "plain"),
    ("Successor - merged", SUCCESSOR, "merged"),
    ("Predecessor - amalgamated", PREDECESSOR, "amalgamated"),
    ("Result of Amalgamation", SUCCESSOR, "amalgamated"),
    ("Successor - Split School", SUCCESSOR, "split"),
    ("Sixth Form Centre Link", OTHER, None),
    ("Closure", OTHER, None),
    ("Merged - change in age range", OTHER, None),
    ("Something GIAS adds next year", OTHER, None),
])
def test_link_meaning(link_type, direction, kind):
    meaning = link_meaning(link_type)
    assert (meaning.direction, meaning.kind) == (direction, kind)


def test_successors_and_predecessors_read_from_both_ends():
    links = [(990003, 150003, "Successor"), (150003, 990003, "Predecessor"),
             (150004, 990004, "Predecessor - merged"), (990005, 1, "Sixth Form Centre Link")]
    assert successor_urns(990003, links) == [150003]
    assert predecessor_urns(150003, links) == [990003]
    assert successor_urns(990004, links) == [150004]
    assert successor_urns(990005, links) == []


@pytest.mark.skipif(not LINKS_FILE.exists(), reason="the shared GIAS data is not beside this clone")
def test_every_real_link_type_is_understood():
    with LINKS_FILE.open(newline="", encoding="cp1252") as handle:
        types = Counter(row["LinkType"] for row in csv.DictReader(handle))
    successions = sum(n for t, n in types.items() if link_meaning(t).is_succession)
    # Every Predecessor/Successor row and its variants is a succession; the rest are not.
    assert successions == sum(n for t, n in types.items()
                              if t.split(" ")[0] in ("Predecessor", "Successor") or t == "Result of Amalgamation")
    assert types["Successor"] == 16451
