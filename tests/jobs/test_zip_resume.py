"""The every-SLA ZIP resumes where its killed consumer was (issue #27): the PDFs rendered before the
kill are kept in the job's folder and not rendered again, so 3,000 documents killed half way are
done within two minutes of the restart; the ZIP still holds each document once, in order."""
from __future__ import annotations

import zipfile

import pytest

from documents import bulk
from documents.bulk import pdf_name, write_zip
from documents.filling import fill
from tests.documents.samples import COUNCIL, default_template, facts

NAMES = ["Allesley Primary School", "Binley Academy", "Coundon Court", "Earlsdon Primary", "Finham Park"]


class Killed(Exception):
    """Stands in for the consumer dying: nothing after it runs."""


@pytest.fixture
def documents():
    template = default_template()
    return [(pdf_name("2025-26", name, urn=103700 + n), fill(template, facts(party_name=name), COUNCIL))
            for n, name in enumerate(NAMES)]


@pytest.fixture
def rendered(monkeypatch):
    """Each document rendered (workers=1 renders in this process)."""
    names: list = []
    render = bulk._render

    def counting(document):
        names.append(document)
        return render(document)

    monkeypatch.setattr(bulk, "_render", counting)
    return names


def test_a_zip_killed_half_way_renders_only_the_rest_and_holds_each_document_once(tmp_path, documents, rendered):
    path, keep = tmp_path / "all.zip", tmp_path / "all.zip.pdfs"
    ticks: list[int] = []

    def dies_after_two(step):
        ticks.append(step)
        if len(ticks) == 2:
            raise Killed

    with pytest.raises(Killed):
        write_zip(iter(documents), path, workers=1, progress=dies_after_two, keep=keep)
    assert not path.exists() and sorted(p.name for p in keep.iterdir()) == [n for n, _ in documents[:2]]
    assert len(rendered) == 2
    kept = {name: (keep / name).read_bytes() for name, _ in documents[:2]}

    ticks.clear()
    assert write_zip(iter(documents), path, workers=1, progress=ticks.append, keep=keep) == len(NAMES)
    assert len(rendered) == 2 + 3  # the two kept PDFs were not rendered again
    assert ticks == [1] * len(NAMES)  # each counted done once: the bar goes on from where it was
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == [name for name, _ in documents]
        assert archive.testzip() is None
        assert {name: archive.read(name) for name in kept} == kept
        assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist())
    assert not keep.exists() and not (tmp_path / "all.zip.partial").exists()


def test_a_half_written_kept_pdf_is_rendered_again(tmp_path, documents, rendered):
    """A kill while a PDF is written leaves only its ``.part``: that document is rendered again."""
    path, keep = tmp_path / "all.zip", tmp_path / "all.zip.pdfs"
    keep.mkdir()
    (keep / (documents[0][0] + ".part")).write_bytes(b"%PDF-1.4 cut sh")
    assert write_zip(iter(documents), path, workers=1, keep=keep) == len(NAMES)
    assert len(rendered) == len(NAMES)
    with zipfile.ZipFile(path) as archive:
        assert archive.read(documents[0][0]).rstrip().endswith(b"%%EOF")


def test_a_name_given_twice_is_refused_and_no_zip_is_left(tmp_path, documents):
    path = tmp_path / "all.zip"
    with pytest.raises(ValueError, match="both named"):
        write_zip(iter([documents[0], documents[0]]), path, workers=1, keep=tmp_path / "keep")
    assert not path.exists() and not (tmp_path / "all.zip.partial").exists()
