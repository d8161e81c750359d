"""E-invoices (issue #32): every invoice of the summer run written as UBL, beside bare lxml building and
serialising the very same trees, and the time to validate them (a sample, projected to the run)."""
from __future__ import annotations

import os

from benchmarks.app import YEAR
from benchmarks.runner import Timer, in_child

# The settings a council sets for e-invoices (docs/einvoices.md); the rules as the tests keep them.
RULES_DIR = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "einvoice")
SETTINGS = {"EINVOICE_BUYER_SCHEME": "0060", "EINVOICE_RULES_DIR": os.path.abspath(RULES_DIR)}


def _app(url: str):
    from sqlalchemy.orm import configure_mappers

    from contracts_app import create_app

    app = create_app({"CONTRACTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, **SETTINGS})
    configure_mappers()
    return app


def _summer_run_id() -> int:
    from sqlalchemy import func, select

    from contracts_app.extensions import db
    from contracts_app.models import InvoiceRun

    return db.session.scalar(select(func.min(InvoiceRun.id)).where(InvoiceRun.sla_year == YEAR,
                                                                   InvoiceRun.term == "summer"))


def bench_ubl_run(url: str) -> dict:
    """Load every invoice of the run in batches, map and write each as UBL: what the ZIP job does."""
    from contracts_app.services.council import einvoice_seller
    from contracts_app.services.invoicing.ubl import invoice_ubl
    from contracts_app.services.invoicing.ubl_check import run_batches

    app = _app(url)
    with app.app_context():
        run_id = _summer_run_id()
        count, size = 0, 0
        with Timer() as t:
            seller = einvoice_seller()
            for batch, periods in run_batches(run_id):
                for invoice in batch:
                    size += len(invoice_ubl(invoice, periods=periods, seller=seller))
                    count += 1
    return {"seconds": t.seconds, "invoices": count, "bytes": size}


def _flat(root) -> list[tuple[int, str, dict, str | None]]:
    """A tree as (parent index, tag, attributes, text) rows, to build again with bare lxml."""
    index = {root: 0}
    rows = [(-1, root.tag, dict(root.attrib), root.text)]
    for element in root.iterdescendants():
        index[element] = len(rows)
        rows.append((index[element.getparent()], element.tag, dict(element.attrib), element.text))
    return rows


def bench_ubl_baseline(url: str) -> dict:
    """Bare lxml building and serialising the same trees (element by element from flat rows taken
    beforehand, untimed): what the writing costs without loading, mapping or checking."""
    from lxml import etree

    from contracts_app.services.council import einvoice_seller
    from contracts_app.services.invoicing.ubl import ubl_invoice
    from contracts_app.services.invoicing.ubl_check import run_batches
    from invoices.ubl import build_ubl

    app = _app(url)
    seconds = 0.0
    with app.app_context():
        seller = einvoice_seller()
        for batch, periods in run_batches(_summer_run_id()):
            trees = [build_ubl(ubl_invoice(invoice, periods=periods), seller) for invoice in batch]
            flats = [(_flat(tree), tree.nsmap) for tree in trees]
            with Timer() as t:
                for rows, nsmap in flats:
                    elements = [etree.Element(rows[0][1], rows[0][2], nsmap=nsmap)]
                    elements[0].text = rows[0][3]
                    for parent, tag, attrib, text in rows[1:]:
                        element = etree.SubElement(elements[parent], tag, attrib)
                        element.text = text
                        elements.append(element)
                    etree.tostring(elements[0], xml_declaration=True, encoding="UTF-8")
            seconds += t.seconds
    return {"seconds": seconds}


def bench_ubl_validate(url: str, sample: int) -> dict:
    """The three checks on the first ``sample`` invoices of the run (compiling the rules not counted)."""
    from contracts_app.services.invoicing.ubl import invoice_ubl
    from contracts_app.services.invoicing.ubl_check import checker, run_batches
    from invoices.ubl_check import fatal

    app = _app(url)
    with app.app_context():
        xmls = []
        for batch, periods in run_batches(_summer_run_id()):
            xmls += [invoice_ubl(invoice, periods=periods) for invoice in batch[:sample - len(xmls)]]
            if len(xmls) >= sample:
                break
        current = checker()  # compiled once, as a process does
        with Timer() as t:
            failed = sum(1 for xml in xmls if fatal(current.check(xml)))
    return {"seconds": t.seconds, "checked": len(xmls), "failed": failed}


def einvoice_figures(url: str, out) -> None:
    """ubl_run beside its bare-lxml baseline, and ubl_validate per invoice with the run's projection."""
    written = in_child(bench_ubl_run, url)
    baseline = in_child(bench_ubl_baseline, url)
    out("ubl_run", written["invoices"], written["seconds"], baseline["seconds"],
        peak_rss_mb=written["peak_rss_mb"], bytes=written["bytes"])
    checked = in_child(bench_ubl_validate, url, int(os.environ.get("BENCH_UBL_CHECK_SAMPLE", "200")))
    per_invoice = checked["seconds"] / max(checked["checked"], 1)
    out("ubl_validate", checked["checked"], checked["seconds"], per_invoice_seconds=round(per_invoice, 6),
        projected_run_seconds=round(per_invoice * written["invoices"], 1), failed=checked["failed"],
        peak_rss_mb=checked["peak_rss_mb"])
