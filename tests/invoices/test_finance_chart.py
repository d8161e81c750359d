"""The aged-debt chart (issue #20): one bar per bucket in exact pounds; empty says so."""
from __future__ import annotations

from decimal import Decimal

from invoices.debt_chart import aged_debt_svg


def test_the_chart_labels_every_bucket_in_pounds():
    svg = aged_debt_svg({"current": Decimal("10.50"), "1-30": Decimal("2603.64")}).decode()
    for label in ("Not yet due", "1-30 days", "Over 90 days", "£2,603.64", "£10.50"):
        assert label in svg
    assert "<script" not in svg.split("</defs>")[-1]


def test_nothing_owed_is_said():
    assert "Nothing is owed" in aged_debt_svg({}).decode()
