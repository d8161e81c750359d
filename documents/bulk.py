"""Every agreement of a year into one ZIP, rendered on all cores.

The parent process prepares each ``FilledDocument`` (plain data) and the workers only
render: ``render_pdf`` needs no database, no app and no request. Results are written
in the order the documents were given, under names fixed by the caller, so the same
agreements always give the same archive listing.
"""
from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import signal
import threading
import time
import unicodedata
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path

from documents.model import FilledDocument
from documents.pdf import render_pdf
from pricing.bulk import cyclic_gc_paused

__all__ = ["slug", "pdf_name", "render_all", "write_zip", "default_workers", "render_kept", "zip_kept"]


def slug(text: str) -> str:
    """``St Mary's Catholic Primary`` -> ``st-marys-catholic-primary`` (ASCII, for file names)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"['’`]", "", plain.lower())
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:60] or "agreement"


def pdf_name(sla_year_label: str, party_name: str, urn: int | None = None, group_id: int | None = None) -> str:
    """The agreement's file name: ``sla-2025-26-103700-allesley-primary-school.pdf``;
    a group's agreement is named by the group (``sla-2025-26-group-3-three-spires.pdf``)."""
    key = str(urn) if urn is not None else f"group-{group_id}"
    return f"sla-{sla_year_label}-{key}-{slug(party_name)}.pdf"


def default_workers() -> int:
    """One worker per core: rendering is CPU-bound."""
    return max(1, os.cpu_count() or 1)


def _watch_parent(parent: int) -> None:
    """In each worker: end when the process that started it has gone (a consumer killed with
    kill -9 cannot stop its workers; they would render on for nobody), and leave Ctrl-C to it
    (the terminal's SIGINT reaches the whole process group; the parent stops the pool)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _render(document: FilledDocument) -> bytes:
    # A document's tens of thousands of short-lived objects would set off the cyclic
    # collector's passes over the whole worker; one pass over the youngest after each
    # document frees its cycles (7% of a document, memory flat).
    with cyclic_gc_paused():
        return render_pdf(document)


def render_all(documents: Iterable[tuple[str, FilledDocument]], workers: int,
               executor: Executor | None = None) -> Iterator[tuple[str, bytes]]:
    """Render (name, document) pairs in worker processes; yield (name, pdf) in the given order.

    At most a few documents per worker are in flight, so memory stays flat however
    many agreements there are.
    """
    if workers <= 1 and executor is None:
        for name, document in documents:
            yield name, _render(document)
        return
    # "spawn": the parent holds database connections and threads that a fork would copy.
    pool = executor or ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                           initializer=_watch_parent, initargs=(os.getpid(),))
    pending: deque[tuple[str, Future]] = deque()
    try:
        for name, document in documents:
            pending.append((name, pool.submit(_render, document)))
            if len(pending) >= workers * 4:
                done_name, future = pending.popleft()
                yield done_name, future.result()
        while pending:
            done_name, future = pending.popleft()
            yield done_name, future.result()
    finally:
        for _, future in pending:
            future.cancel()
        if executor is None:
            pool.shutdown(wait=True, cancel_futures=True)


def _unique(documents: Iterable[tuple[str, FilledDocument]], order: list[str]) -> Iterator[tuple[str, FilledDocument]]:
    """The documents, each name noted in ``order``; a name given twice is refused."""
    seen: set[str] = set()
    for name, document in documents:
        if name in seen:
            raise ValueError(f"two documents are both named {name}")
        seen.add(name)
        order.append(name)
        yield name, document


def _not_kept(documents: Iterable[tuple[str, FilledDocument]], keep: Path,
              progress: Callable[[int], object] | None) -> Iterator[tuple[str, FilledDocument]]:
    """The documents with no PDF in ``keep`` yet; one kept already counts as done at once."""
    for name, document in documents:
        if (keep / name).is_file():
            if progress is not None:
                progress(1)
            continue
        yield name, document


def _add(archive: zipfile.ZipFile, name: str, pdf: bytes) -> None:
    # A fixed timestamp: the same agreements give the same archive.
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    # Level 1: the pages are compressed already; the ZIP gains 3% over level 6 and the
    # process feeding both cores spends a third less on it.
    archive.writestr(info, pdf, compresslevel=1)


def _render_to(keep: Path, documents: Iterable[tuple[str, FilledDocument]], workers: int,
               progress: Callable[[int], object] | None) -> None:
    """Render what ``keep`` lacks into it, each PDF written whole then moved into place."""
    keep.mkdir(parents=True, exist_ok=True)
    for name, pdf in render_all(_not_kept(documents, keep, progress), workers):
        part = keep / (name + ".part")
        part.write_bytes(pdf)
        part.replace(keep / name)
        if progress is not None:
            progress(1)


def render_kept(keep: Path, documents: Iterable[tuple[str, FilledDocument]],
                step: Callable[[], object] | None = None) -> list[str]:
    """Render each document not yet in ``keep`` there, in this process (a share of a bulk job, issue
    #33: the consumers' workers are the parallelism); returns every name, in order. ``step()`` after
    each, kept already or rendered."""
    keep.mkdir(parents=True, exist_ok=True)
    names: list[str] = []
    for name, document in documents:
        names.append(name)
        if not (keep / name).is_file():
            part = keep / f"{name}.{os.getpid()}.part"  # two workers on one shared folder never share a part
            part.write_bytes(_render(document))
            part.replace(keep / name)
        if step is not None:
            step()
    return names


def zip_kept(keep: Path, names: list[str], path: Path) -> int:
    """The PDFs ``names`` of ``keep`` as the ZIP at ``path``, written whole then moved into place;
    the folder is removed after. A name given twice is refused (ValueError)."""
    partial = path.with_name(path.name + ".partial")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, _ in _unique(((n, None) for n in names), []):
                _add(archive, name, (keep / name).read_bytes())
        partial.replace(path)
        shutil.rmtree(keep, ignore_errors=True)
    finally:
        if partial.exists():
            partial.unlink()
    return len(names)


def write_zip(documents: Iterable[tuple[str, FilledDocument]], path: Path, workers: int,
              progress: Callable[[int], object] | None = None, keep: Path | None = None) -> int:
    """Write every document's PDF into the ZIP at ``path``; returns how many.

    The archive is written beside ``path`` and moved into place only when complete,
    so a failure never leaves half a ZIP under the wanted name. With ``keep`` (a folder),
    each PDF is saved there as it is rendered and one found there is not rendered again:
    a job whose process was killed half way resumes where it was, not from the start
    (the folder is removed once the ZIP is in place).
    """
    partial = path.with_name(path.name + ".partial")
    order: list[str] = []
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            if keep is None:
                for name, pdf in render_all(_unique(documents, order), workers):
                    _add(archive, name, pdf)
                    if progress is not None:
                        progress(1)
            else:
                _render_to(keep, _unique(documents, order), workers, progress)
                for name in order:
                    _add(archive, name, (keep / name).read_bytes())
        partial.replace(path)
        if keep is not None:
            shutil.rmtree(keep, ignore_errors=True)
    finally:
        if partial.exists():
            partial.unlink()
    return len(order)
