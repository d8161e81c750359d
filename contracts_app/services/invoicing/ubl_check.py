"""E-invoice checks (issue #32): the official rules run on one invoice or on every invoice of a run,
compiled once per process from the folder EINVOICE_RULES_DIR names."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from flask import current_app
from sqlalchemy import select

from contracts_app.extensions import db
from contracts_app.models import Invoice, InvoiceRun
from contracts_app.services.council import einvoice_seller
from contracts_app.services.invoicing.ubl import EInvoiceRefused, invoice_ubl
from contracts_app.services.invoicing.ubl_rows import invoice_batches
from invoices.ubl_check import Checker, Failure, fatal
from invoices.ubl_rules import Seller

BATCH = 500


@lru_cache(maxsize=4)
def _checker(rules_dir: str, xsd_dir: str) -> Checker:
    return Checker(rules_dir or None, xsd_dir or None)


def checker() -> Checker:
    """The checks the configuration allows (EINVOICE_RULES_DIR, EINVOICE_XSD_DIR), compiled once per process."""
    config = current_app.config
    return _checker(config.get("EINVOICE_RULES_DIR") or "", config.get("EINVOICE_XSD_DIR") or "")


def check_invoice(invoice: Invoice, periods: dict | None = None, seller: Seller | None = None) -> list[Failure]:
    """Every failure of the invoice's e-invoice: our own refusals first, else the official checks'."""
    try:
        xml = invoice_ubl(invoice, periods=periods, seller=seller)
    except EInvoiceRefused as refused:
        return [Failure("our checks", "refused", problem) for problem in refused.problems]
    return checker().check(xml)


@dataclass
class RunCheck:
    """A run's invoices checked: how many, which failed (by number) and which checks did not run."""

    run_id: int
    checked: int = 0
    failures: dict[str, list[Failure]] = field(default_factory=dict)  # invoice number -> its fatal failures
    warnings: int = 0
    checks: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return self.checked - len(self.failures)


def check_run(run_id: int) -> RunCheck:
    """Check every invoice a run raised (and every credit note against them), in number order."""
    run = db.session.get(InvoiceRun, run_id)
    if run is None:
        raise EInvoiceRefused([f"there is no invoice run {run_id}"])
    current = checker()
    result = RunCheck(run_id, checks=["our checks", *current.checks], skipped=list(current.skipped))
    seller = einvoice_seller()
    for batch, periods in run_batches(run_id):
        for invoice in batch:
            failures = check_invoice(invoice, periods, seller)
            result.checked += 1
            result.warnings += len(failures) - len(fatal(failures))
            if fatal(failures):
                result.failures[invoice.number] = fatal(failures)
    return result


def run_invoice_ids(run_id: int) -> list[int]:
    """A run's invoices and the credit notes raised against them, in number order."""
    raised = select(Invoice.id).where(Invoice.run_id == run_id)
    return list(db.session.scalars(select(Invoice.id).where(
        (Invoice.run_id == run_id) | Invoice.credited_invoice_id.in_(raised)).order_by(Invoice.number)))


def run_batches(run_id: int, size: int = BATCH) -> Iterator[tuple[list, dict]]:
    """The run's invoices ``size`` at a time as plain rows (``ubl_rows``: what the writer reads, in two
    queries a batch, nothing kept in the session), with each batch's service dates."""
    return invoice_batches(run_invoice_ids(run_id), size)
