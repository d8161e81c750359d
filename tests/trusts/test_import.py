"""GIAS's `Trusts (code)` / `Trusts (name)` read on every schools import (issue #29): on the real
extract's rows, a move between trusts on GIAS's date keeps history, all or nothing, overrides audited."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contracts_app.extensions import db
from contracts_app.models import AuditEvent, Invoice, InvoiceLine, School, Trust, TrustMembership
from contracts_app.services.register import trusts
from contracts_app.services.schools import import_schools
from pricing.errors import ActionRefused, ImportRefused

REAL_2024 = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "gias" / "gias_itt_subset_2024.csv"
real_file = pytest.mark.skipif(not REAL_2024.exists(), reason="the shared GIAS data is not beside this clone")


def real_rows() -> tuple[list[str], list[dict]]:
    with open(REAL_2024, encoding="cp1252", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames), list(reader)


def as_csv(header: list[str], rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("cp1252")


def memberships(urn: int) -> list[TrustMembership]:
    db.session.expire_all()
    school = db.session.scalar(select(School).where(School.urn == urn))
    return list(db.session.scalars(select(TrustMembership).where(TrustMembership.school_id == school.id)
                                   .order_by(TrustMembership.id)))


def invoice(school: School, number: str, issued: date) -> Invoice:
    found = Invoice(number=number, kind="invoice", sla_year=2025, term="summer", school=school,
                    customer_name=school.name, school_urn=school.urn, customer_type="academy", issue_date=issued,
                    due_date=issued, net=Decimal("100.00"), vat=Decimal("20.00"), gross=Decimal("120.00"),
                    lines=[InvoiceLine(position=1, service_code="SVC1", description="A service", quantity=Decimal(1),
                                       unit_price=Decimal("100.00"), net=Decimal("100.00"), vat_code="S",
                                       vat_rate=Decimal("0.20"))])
    db.session.add(found)
    db.session.commit()
    return found


@real_file
def test_real_extract_creates_trusts_and_memberships(app):
    report = import_schools(REAL_2024.read_bytes(), "gias_itt_subset_2024.csv")
    assert report.trusts.trusts_added == 2 and report.trusts.joined == 2
    names = dict(db.session.execute(select(Trust.code, Trust.name)).all())
    assert names == {"3104": "THE FIRST FEDERATION TRUST", "1579": "Tame Valley Co-Operative Learning Trust"}
    [converter] = memberships(137666)
    assert converter.trust.code == "3104" and converter.joined_on == date(2011, 11, 1) and converter.left_on is None
    [foundation] = memberships(124087)  # no OpenDate: a member since before the register knew
    assert foundation.trust.code == "1579" and foundation.joined_on is None
    again = import_schools(REAL_2024.read_bytes(), "gias_itt_subset_2024.csv")
    assert (again.trusts.trusts_added, again.trusts.joined, again.trusts.left) == (0, 0, 0)
    assert db.session.scalar(select(func.count()).select_from(TrustMembership)) == 2


@real_file
def test_a_move_between_trusts_on_gias_date_keeps_history_and_past_invoices(app):
    header, rows = real_rows()
    import_schools(as_csv(header, rows), "before.csv")
    academy = db.session.scalar(select(School).where(School.urn == 137666))
    before = invoice(academy, "INV-2025-000001", date(2025, 4, 10))
    moved = [dict(r, **{"Trusts (code)": "1579", "Trusts (name)": "Tame Valley Co-Operative Learning Trust",
                        "LastChangedDate": "01-09-2025"}) if r["URN"] == "137666" else r for r in rows]
    report = import_schools(as_csv(header, moved), "after.csv")
    assert (report.trusts.left, report.trusts.joined) == (1, 1)
    old, new = memberships(137666)
    assert (old.trust.code, old.joined_on, old.left_on) == ("3104", date(2011, 11, 1), date(2025, 9, 1))
    assert (new.trust.code, new.joined_on, new.left_on) == ("1579", date(2025, 9, 1), None)
    after = invoice(academy, "INV-2025-000002", date(2025, 9, 10))
    first, second = trusts.by_code("3104"), trusts.by_code("1579")
    old_view, new_view = trusts.trust_view(first, date(2025, 10, 1)), trusts.trust_view(second, date(2025, 10, 1))
    assert [i.number for i, _ in old_view.invoices] == [before.number]  # past invoices stay where they were
    assert [i.number for i, _ in new_view.invoices] == [after.number]
    # Each trust owes what was invoiced while the academy was its member.
    assert new_view.total == Decimal("120.00") and old_view.total == Decimal("120.00")
    assert [m.school.urn for m in old_view.past] == [137666] and not old_view.current


@real_file
def test_a_bad_trust_cell_refuses_the_whole_file(app):
    header, rows = real_rows()
    bad = [dict(r, **{"Trusts (code)": "TR-01"}) if r["URN"] == "137666" else r for r in rows]
    with pytest.raises(ImportRefused) as refused:
        import_schools(as_csv(header, bad), "bad.csv")
    db.session.rollback()
    assert "column Trusts (code)" in refused.value.message and "not a GIAS group code" in refused.value.message
    assert db.session.scalar(select(School)) is None and db.session.scalar(select(Trust)) is None


def test_an_extract_without_trust_columns_leaves_memberships(app):
    header = "URN,EstablishmentName,TypeOfEstablishment (name),LA (code),LA (name)\r\n"
    report = import_schools((header + "990001,Vale Academy,Academy converter,141,Coventry\r\n").encode(), "f.csv")
    assert report.trusts is None


@real_file
def test_override_is_audited_and_kept_by_the_next_import(app):
    import_schools(REAL_2024.read_bytes(), "gias.csv")
    academy = db.session.scalar(select(School).where(School.urn == 137666))
    with pytest.raises(ActionRefused, match="reason"):
        trusts.override_membership(academy, "1579", date(2026, 1, 5), " ")
    with pytest.raises(ActionRefused, match="no trust with code '9999'"):
        trusts.override_membership(academy, "9999", date(2026, 1, 5), "wrong in GIAS")
    trusts.override_membership(academy, "1579", date(2026, 1, 5), "joined early: trust's letter")
    old, new = memberships(137666)
    assert old.left_on == date(2026, 1, 5) and (new.trust.code, new.source) == ("1579", "override")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "override"))
    assert "trust 1579 from 2026-01-05" in event.summary and "trust's letter" in event.summary
    report = import_schools(REAL_2024.read_bytes(), "gias.csv")  # GIAS still says 3104
    assert report.trusts.overrides_kept == [137666] and len(memberships(137666)) == 2
