"""Every e-invoice of an invoice run as one ZIP, as a job (issue #32): at 25,000 schools this is no
request's work. Built as the every-SLA ZIP is: the whole file written beside its place, then moved in."""
from __future__ import annotations

import zipfile

from contracts_app.extensions import db
from contracts_app.models import InvoiceRun
from contracts_app.services.council import einvoice_seller
from contracts_app.services.invoicing.ubl import EInvoiceRefused, invoice_ubl
from contracts_app.services.invoicing.ubl_check import run_batches, run_invoice_ids
from contracts_app.services.jobs import core as p
from contracts_app.services.jobs.core import JobContext, register
from pricing.errors import ActionRefused

KIND = "invoice_ubl"


def _check(params: dict) -> dict:
    p.only(params, {"run_id"})
    run_id = p.whole_number(params, "run_id")
    if not 1 <= run_id <= 2**31 - 1 or db.session.get(InvoiceRun, run_id) is None:
        raise p.NotFound(f"run_id: there is no invoice run {run_id}")
    return {"run_id": run_id}


def zip_name(run_id: int) -> str:
    return f"einvoices-run-{run_id}.zip"


def run_zip(job: JobContext, *, run_id: int) -> dict:
    """One UBL file per invoice and credit note of the run (named by number); refused whole, naming
    the first invoice that cannot be written and why, so no ZIP ever lacks an invoice silently."""
    count = len(run_invoice_ids(run_id))
    job.progress(0, count)
    path = job.result_path(zip_name(run_id))
    partial = path.with_name(path.name + ".partial")
    seller = einvoice_seller()
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for batch, periods in run_batches(run_id):
                for invoice in batch:
                    try:
                        archive.writestr(f"{invoice.number}.xml", invoice_ubl(invoice, periods=periods, seller=seller))
                    except EInvoiceRefused as exc:
                        raise ActionRefused(f"{invoice.number}: the e-invoice cannot be written: {exc}") from None
                job.advance(len(batch))
    except Exception:
        # A refused run keeps no half-written ZIP in the results store (a rerun writes it afresh).
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)
    return {"e-invoices": count}


register(KIND, run_zip, title="Every e-invoice of a run as a ZIP", roles=("finance",), check=_check)
