"""The school register and the agreements: the GIAS import and issuing, each with its baseline."""
from __future__ import annotations

from pathlib import Path

from benchmarks import dataset
from benchmarks.app import YEAR, make_app
from benchmarks.runner import Timer


def bench_schools_import(url: str, path: str, n: int) -> dict:
    from contracts_app.services.schools import import_schools

    app = make_app(url)
    with app.app_context(), Timer() as t:
        report = import_schools(Path(path), "bench GIAS")
    assert report.added == n, report.summary()
    return {"seconds": t.seconds}


def bench_schools_import_baseline(url: str, path: str) -> dict:
    """pandas reading the same GIAS file, then a bare Core bulk insert of the very rows the
    import wrote (schools and their audit rows, URNs moved out of the way, rolled back).

    Run after the import, in a process of its own: holding the copies costs the import nothing.
    """
    import pandas as pd
    from sqlalchemy import insert, select

    from contracts_app.extensions import db
    from contracts_app.models import AuditEvent, School

    app = make_app(url)
    with app.app_context():
        schools, events = School.__table__, AuditEvent.__table__
        school_rows = [dict(r._mapping) for r in db.session.execute(select(schools).order_by(schools.c.id))]
        event_rows = [dict(r._mapping) for r in db.session.execute(
            select(events).where(events.c.entity_type == "School").order_by(events.c.id))]
        shift = 10 * max(row["urn"] for row in school_rows)
        for row in school_rows:
            row.pop("id")
            row["urn"] += shift
            row["name_lower"] += " b"  # beside the original in the name index, as a real row would be
        for row in event_rows:
            row.pop("id")
        with Timer() as t:
            pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")
            for start in range(0, len(school_rows), 5000):
                db.session.execute(insert(schools), school_rows[start:start + 5000])
            for start in range(0, len(event_rows), 5000):
                db.session.execute(insert(events), event_rows[start:start + 5000])
        db.session.rollback()
    return {"seconds": t.seconds}


def undo_schools_import(url: str) -> dict:
    """Take the imported schools and their audit rows out again (Core deletes; the app never
    would), so the import can be measured once more on the same empty register."""
    from sqlalchemy import delete

    from contracts_app.extensions import db
    from contracts_app.models import AuditEvent, School

    app = make_app(url)
    with app.app_context():
        db.session.execute(delete(AuditEvent).where(AuditEvent.entity_type == "School"))
        db.session.execute(delete(School))
        db.session.commit()
    return {}


def setup_prices_census_agreements(url: str) -> dict:
    app = make_app(url)
    with app.app_context():
        dataset.load_catalogue_and_prices(YEAR)
        dataset.load_census(YEAR)
        return {"agreements": dataset.load_draft_agreements(YEAR), "trusts": dataset.load_trusts(YEAR)}


def bench_agreements_issue(url: str) -> dict:
    from sqlalchemy import select, update

    from contracts_app.extensions import db
    from contracts_app.models import AgreementLine
    from contracts_app.services.agreements.issuing import issue_year

    app = make_app(url)
    with app.app_context():
        # Baseline: the bare bulk update of what issuing writes (one row per line).
        ids = db.session.scalars(select(AgreementLine.id)).all()
        with Timer() as baseline:
            for start in range(0, len(ids), 5000):
                db.session.execute(update(AgreementLine), [
                    {"id": i, "annual_price": None, "explanation": ""} for i in ids[start:start + 5000]])
            db.session.rollback()
        with Timer() as t:
            report = issue_year(YEAR, "bench")
        return {"seconds": t.seconds, "baseline": baseline.seconds, "issued": len(report.issued),
                "refused": len(report.refused)}
