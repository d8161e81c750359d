"""GIAS's links file (issue #28): `schools links import` of the national file beside its baseline,
a bare read of the same file and a bare Core bulk insert of the very rows the import wrote."""
from __future__ import annotations

import csv
import io
import os
import random
import statistics
from pathlib import Path

from benchmarks.app import make_app
from benchmarks.runner import Timer, in_child

# The real national file when the shared GIAS data is beside the clone; else one of its shape.
REAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "gias" / "links_edubasealldata20250422.csv"
ROWS = 33801
TYPES = [("Successor", 16451), ("Predecessor", 16264), ("Predecessor - merged", 230), ("Successor - merged", 184),
         ("Sixth Form Centre School", 135), ("Result of Amalgamation", 111), ("Other", 15)]


def links_file(workdir: Path) -> Path:
    """The national links file: the real one, or a generated one of the same size and shape."""
    if REAL.exists():
        return REAL
    rng = random.Random(28)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow(["URN", "LinkURN", "LinkName", "LinkType", "LinkEstablishedDate"])
    kinds, weights = zip(*TYPES)
    for i in range(ROWS):
        # GIAS's usual link dates: the last day of August or March, the first of September or April.
        day = "" if i % 4 == 0 else f"{rng.choice(('31-08', '31-03', '01-09', '01-04'))}-{rng.randint(1995, 2025)}"
        writer.writerow([100000 + i, 140000 + i, f"St Bench’s School {i}", rng.choices(kinds, weights)[0], day])
    path = workdir / "links_edubasealldata.csv"
    path.write_bytes(out.getvalue().encode("cp1252"))
    return path


def bench_links_import(url: str, path: str) -> dict:
    from contracts_app.services.register.links import import_links

    app = make_app(url)
    with app.app_context(), Timer() as t:
        report = import_links(Path(path), "bench links")
    assert report.removed == 0 and report.added > 0, report.summary()
    return {"seconds": t.seconds, "n": report.added}


def bench_links_import_baseline(url: str, path: str) -> dict:
    """pandas reading the same file, then a bare Core bulk insert of the rows the import wrote (URNs
    moved out of the way), committed as the import commits; taken out again after the clock stops.
    Run after the import, in a process of its own."""
    import pandas as pd
    from sqlalchemy import delete, insert, select

    from contracts_app.extensions import db
    from contracts_app.models import SchoolLink

    app = make_app(url)
    with app.app_context():
        table = SchoolLink.__table__
        rows = [dict(r._mapping) for r in db.session.execute(select(table).order_by(table.c.id))]
        shift = 10 * max(row["urn"] for row in rows)
        for row in rows:
            row.pop("id")
            row["urn"] += shift
        with Timer() as t:
            pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(table), rows[start:start + 5000])
            db.session.commit()
        db.session.execute(delete(table).where(table.c.urn >= shift))
        db.session.commit()
    return {"seconds": t.seconds}


def undo_links_import(url: str) -> dict:
    """Take the imported links out again (a Core delete), so the import is measured on an empty table."""
    from sqlalchemy import delete

    from contracts_app.extensions import db
    from contracts_app.models import SchoolLink

    app = make_app(url)
    with app.app_context():
        db.session.execute(delete(SchoolLink))
        db.session.commit()
    return {}


def links_figure(url: str, workdir: Path, out) -> None:
    """schools_links_import: the import and its baseline in pairs, BENCH_REPEATS times (medians)."""
    path = str(links_file(workdir))
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    runs, baselines = [], []
    for attempt in range(repeats):
        runs.append(in_child(bench_links_import, url, path))
        baselines.append(in_child(bench_links_import_baseline, url, path)["seconds"])
        if attempt < repeats - 1:
            in_child(undo_links_import, url)
    seconds = [r["seconds"] for r in runs]
    out("schools_links_import", runs[0]["n"], statistics.median(seconds), statistics.median(baselines),
        peak_rss_mb=max(r["peak_rss_mb"] for r in runs), repeats=repeats,
        ratios=[round(r / b, 2) for r, b in zip(seconds, baselines)])
