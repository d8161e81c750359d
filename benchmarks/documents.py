"""SLA document figures: one PDF against bare reportlab, and the bulk ZIP on both cores.

Rendering every agreement in England takes hours on any machine, so the ZIP is timed
on a sample (BENCH_PDFS, default 200 agreements) - enough to show the cores' speed-up.
"""
from __future__ import annotations

import io
import itertools
import os
import tempfile
from pathlib import Path

from benchmarks.runner import Timer, in_child

YEAR = 2025


def _documents(url: str, app_factory, count: int):
    app = app_factory(url)
    with app.app_context():
        from contracts_app.services.documents import year_documents

        return list(itertools.islice(year_documents(YEAR), count))


def _has_page_refs(flowable) -> bool:
    from documents import pdf

    rows = getattr(flowable, "_cellvalues", None) or []
    return any(isinstance(cell, pdf._PageRef) for row in rows for cell in row)


def _bare(story) -> None:
    """The same story laid out by reportlab alone: no running header, footer or page numbers.

    The contents table is left out: it points at page-number forms that only the full
    renderer defines once every page is laid out.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    doc = BaseDocTemplate(io.BytesIO(), pagesize=A4)
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate("cover", [frame]), PageTemplate("body", [frame])])
    doc.build([f for f in story if not _has_page_refs(f)])


def bench_single(url: str, app_factory, samples: int = 10) -> dict:
    """Ours as a server or worker renders (the text every school shares already laid out by an
    earlier document, documents.pdf_cache), and as the first document of a fresh process
    (``cold_seconds``); the baseline is plain reportlab, every text afresh."""
    from documents import pdf_cache
    from documents.pdf import _story, render_pdf

    documents = _documents(url, app_factory, samples)
    render_pdf(documents[0][1])  # warm fonts and caches for both sides
    with Timer() as ours:
        for _, document in documents:
            render_pdf(document)
    with Timer() as cold:
        for _, document in documents:
            pdf_cache.clear()
            render_pdf(document)
    with pdf_cache.disabled(), Timer() as bare:
        for _, document in documents:
            _bare(_story(document))
    return {"seconds": ours.seconds / len(documents), "baseline": bare.seconds / len(documents),
            "cold_seconds": round(cold.seconds / len(documents), 6), "n": len(documents)}


def bench_zip(url: str, app_factory, count: int, workers: int) -> dict:
    from documents.bulk import write_zip

    documents = _documents(url, app_factory, count)
    target = Path(tempfile.mkdtemp()) / "all.zip"
    with Timer() as t:
        written = write_zip(documents, target, workers)
    return {"seconds": t.seconds, "n": written}


def run(url: str, app_factory) -> list[dict]:
    count = int(os.environ.get("BENCH_PDFS", "200"))
    single = in_child(bench_single, url, app_factory, int(os.environ.get("BENCH_PDF_SAMPLES", "10")))
    one_core = in_child(bench_zip, url, app_factory, count, 1)
    both = in_child(bench_zip, url, app_factory, count, 2)
    return [
        {"metric": "sla_pdf", "n": single["n"], "seconds": single["seconds"], "baseline": single["baseline"],
         "cold_seconds": single["cold_seconds"], "peak_rss_mb": single["peak_rss_mb"]},
        {"metric": "sla_zip_two_cores", "n": both["n"], "seconds": both["seconds"], "baseline": one_core["seconds"],
         "peak_rss_mb": both["peak_rss_mb"], "speedup": round(one_core["seconds"] / both["seconds"], 2)},
    ]
