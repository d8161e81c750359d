"""Bulk generation: fixed file names, one PDF per document, in the order given."""
from __future__ import annotations

import zipfile

from documents.bulk import pdf_name, slug, write_zip
from documents.filling import fill
from tests.documents.samples import COUNCIL, default_template, facts


def test_file_names_are_fixed_and_plain():
    assert slug("St Mary’s Catholic Primary School") == "st-marys-catholic-primary-school"
    assert slug("Ysgol Gymraeg Llundain – Ŵyn") == "ysgol-gymraeg-llundain-wyn"
    assert pdf_name("2025-26", "Allesley Primary School", urn=103700) == \
        "sla-2025-26-103700-allesley-primary-school.pdf"
    assert pdf_name("2025-26", "Three Spires Federation", group_id=3) == "sla-2025-26-group-3-three-spires-federation.pdf"


def test_write_zip_has_one_pdf_per_document(tmp_path):
    template = default_template()
    documents = [(pdf_name("2025-26", name, urn=urn), fill(template, facts(party_name=name), COUNCIL))
                 for urn, name in ((103700, "Allesley Primary School"), (103701, "Binley Academy"))]
    ticks = []
    path = tmp_path / "all.zip"
    assert write_zip(iter(documents), path, workers=1, progress=ticks.append) == 2
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == [name for name, _ in documents]
        assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist())
    assert ticks == [1, 1] and not (tmp_path / "all.zip.partial").exists()
