"""Next year's price list from this year's (issue #30): `prices copy` and `prices export`, the Done-when -
every price of the draft is this year's x (1 + uplift) to the penny, and its export re-imports unchanged."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import AuditEvent, PriceList
from contracts_app.services import price_lists
from pricing.bands import parse_bands

DATA = Path(__file__).resolve().parent.parent / "data"
PRICES_2025 = DATA / "prices_2025.csv"
MONEY = ("amount", "rate", "minimum", "maximum")


def run(app, *args):
    return app.test_cli_runner().invoke(args=[str(a) for a in args])


def published_2025(app):
    assert run(app, "prices", "import", PRICES_2025, "--year", 2025).exit_code == 0
    assert run(app, "prices", "publish", "--year", 2025).exit_code == 0


def raised(old: Decimal | None, percent: str) -> Decimal | None:
    if old is None:
        return None
    return (old * (1 + Decimal(percent) / 100)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def snapshot(price_list: PriceList) -> list[tuple]:
    """Every stored field of every row, bands read as numbers (1200 and 1200.00 are one price)."""
    return sorted((e.service_code, e.customer_type, e.title, e.model, e.amount, e.rate, e.minimum, e.maximum,
                   parse_bands(e.bands) if e.bands else None, e.unit, e.vat_code) for e in price_list.entries)


def lists_count() -> int:
    return db.session.scalar(select(func.count()).select_from(PriceList))


def test_copy_makes_a_draft_whose_every_price_is_uplifted_to_the_penny(app):
    published_2025(app)
    result = run(app, "prices", "copy", "--from", 2025, "--to", 2026, "--uplift", "3.5",
                 "--override", "SIMS-SUPPORT=0", "--override", "email=10")
    assert result.exit_code == 0, result.output
    assert "Created draft 2026-27 price list v1: 11 prices from 2025-26 price list v1 raised by 3.5%" in result.output
    old, new = price_lists.published(2025), price_lists.draft(2026)
    assert new.status == "draft" and new.census_basis == old.census_basis
    pairs = {(e.service_code, e.customer_type): e for e in old.entries}
    assert len(new.entries) == len(old.entries) == 11
    for entry in new.entries:
        before = pairs[(entry.service_code, entry.customer_type)]
        percent = {"SIMS-SUPPORT": "0", "EMAIL": "10"}.get(entry.service_code, "3.5")
        for column in MONEY:
            assert getattr(entry, column) == raised(getattr(before, column), percent), (entry.name, column)
        if before.bands:
            assert [(b.low, b.high, b.amount) for b in parse_bands(entry.bands)] == \
                [(b.low, b.high, raised(b.amount, percent)) for b in parse_bands(before.bands)]
        assert (entry.model, entry.unit, entry.vat_code, entry.title) == \
            (before.model, before.unit, before.vat_code, before.title)
    academy_sims = next(e for e in new.entries if (e.service_code, e.customer_type) == ("SIMS-SUPPORT", "academy"))
    assert academy_sims.rate == Decimal("3.57")  # 3.565 x 1.00 to the penny
    email = next(e for e in new.entries if (e.service_code, e.customer_type) == ("EMAIL", "maintained"))
    assert email.amount == Decimal("858.00")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "copy"))
    assert event.entity_id == str(new.id) and "raised by 3.5%" in event.summary


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_copied_drafts_export_reimports_unchanged(app, tmp_path, fmt):
    published_2025(app)
    assert run(app, "prices", "copy", "--from", 2025, "--to", 2026, "--uplift", "3.5").exit_code == 0
    before = snapshot(price_lists.draft(2026))
    out = tmp_path / f"prices.{fmt}"
    result = run(app, "prices", "export", "--year", 2026, "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    assert "Wrote prices-2026-27-v1-draft." in result.output
    # into another year, and over the draft it came from
    for year in (2027, 2026):
        result = run(app, "prices", "import", out, "--year", year)
        assert result.exit_code == 0, result.output
        db.session.expire_all()
        assert snapshot(price_lists.draft(year)) == before


def test_export_of_the_published_list_is_exactly_the_import_columns(app, tmp_path):
    published_2025(app)
    out = tmp_path / "p.csv"
    assert run(app, "prices", "export", "--year", 2025, "-o", out).exit_code == 0
    lines = out.read_text().splitlines()
    assert lines[0] == "service_code,title,customer_type,model,amount,rate,minimum,maximum,bands,unit,vat_code"
    assert "SIMS-SUPPORT,SIMS and FMS support,academy,per_pupil,,3.5650,1100.00,4800.00,,,S" in lines
    assert "ADHOC,Ad hoc work (per hour or part thereof),maintained,per_unit,,62.0000,,,,hour,S" in lines
    assert len(lines) == 12


@pytest.mark.parametrize("args, message", [
    (["--from", 2025, "--to", 2026, "--uplift", "lots"], "uplift 'lots' is not a number"),
    (["--from", 2025, "--to", 2026, "--uplift", "150"], "uplift 150% is out of range (-50% to 100%)"),
    (["--from", 2025, "--to", 2026, "--uplift", "-51"], "out of range"),
    (["--from", 2024, "--to", 2026, "--uplift", "3"], "the 2024-25 price list is not published"),
    (["--from", 2025, "--to", 2026, "--uplift", "3", "--override", "SIMS-SUPORT=0"],
     "override for SIMS-SUPORT: no such service code in 2025-26 price list v1"),
    (["--from", 2025, "--to", 2026, "--uplift", "3", "--override", "SIMS-SUPPORT"], "should be CODE=PERCENT"),
    (["--from", 2025, "--to", 2025, "--uplift", "3"], "2025-26 already has a price list: 2025-26 price list v1 (published)"),
    (["--from", "20x5", "--to", 2026, "--uplift", "3"], "from year: '20x5' is not an SLA year"),
    (["--from", 2025, "--to", 3000, "--uplift", "3"], "to year: 3000 is not an SLA year"),
])
def test_copy_refusals_name_what_is_wrong_and_change_nothing(app, args, message):
    published_2025(app)
    result = run(app, "prices", "copy", *args)
    assert result.exit_code == 1 and message in result.output, result.output
    assert lists_count() == 1


def test_copy_onto_a_year_with_a_draft_names_it(app):
    published_2025(app)
    assert run(app, "prices", "copy", "--from", 2025, "--to", 2026, "--uplift", "2").exit_code == 0
    result = run(app, "prices", "copy", "--from", 2025, "--to", 2026, "--uplift", "2")
    assert result.exit_code == 1
    assert "2026-27 already has a price list: 2026-27 price list v1 (draft)" in result.output
    assert lists_count() == 2


def test_a_draft_only_source_is_refused_saying_so(app):
    assert run(app, "prices", "import", PRICES_2025, "--year", 2025).exit_code == 0
    result = run(app, "prices", "copy", "--from", 2025, "--to", 2026, "--uplift", "2")
    assert result.exit_code == 1
    assert "not published (it has only 2025-26 price list v1, draft)" in result.output


def test_export_refusals(app, tmp_path):
    result = run(app, "prices", "export", "--year", 2030, "-o", tmp_path / "x.csv")
    assert result.exit_code == 1 and "there is no 2030-31 price list to export" in result.output
    published_2025(app)
    result = run(app, "prices", "export", "--year", 2025, "--version", 7, "-o", tmp_path / "x.csv")
    assert result.exit_code == 1 and "there is no version 7 of the 2025-26 price list" in result.output
    result = run(app, "prices", "export", "--year", 2025, "-o", tmp_path / "missing" / "x.csv")
    assert result.exit_code == 1 and "cannot write" in result.output
