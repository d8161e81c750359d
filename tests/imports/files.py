"""Real files made in the tests (issue #27): text in each encoding, XLSX workbooks that lie or explode."""
from __future__ import annotations

import codecs
import io
import zipfile
from functools import lru_cache

from openpyxl import Workbook


def utf16(text: str, byte_order: str = "le", mark: bool = True) -> bytes:
    codec, bom = ("utf-16-le", codecs.BOM_UTF16_LE) if byte_order == "le" else ("utf-16-be", codecs.BOM_UTF16_BE)
    return (bom if mark else b"") + text.encode(codec)


def utf8_bom(text: str) -> bytes:
    return codecs.BOM_UTF8 + text.encode("utf-8")


def cp1252(text: str) -> bytes:
    return text.encode("cp1252")


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewrite(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through ``change`` (other members as they were)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(info.filename, content)
    return out.getvalue()


def xlsx_claiming_rows(rows: list[list[object]], claimed: int) -> bytes:
    """A small workbook whose <dimension> says it has ``claimed`` rows."""
    def change(xml: bytes) -> bytes:
        start = xml.index(b"<dimension ref=\"") + len(b"<dimension ref=\"")
        end = xml.index(b"\"", start)
        return xml[:start] + f"A1:C{claimed}".encode() + xml[end:]
    return _rewrite(xlsx(rows), change)


def xlsx_without_dimension(rows: list[list[object]]) -> bytes:
    """A workbook that does not say how many rows it has (so only reading can tell)."""
    def change(xml: bytes) -> bytes:
        start = xml.index(b"<dimension ")
        return xml[:start] + xml[xml.index(b"/>", start) + 2:]
    return _rewrite(xlsx(rows), change)


@lru_cache(maxsize=1)  # 6 s to build: once per run
def xlsx_bomb(spaces: int = 600 * 1024 * 1024) -> bytes:
    """About 0.6 MB holding ``spaces`` spaces in its sheet: a ZIP bomb of whitespace."""
    data = xlsx([["urn", "census", "pupils"], [103700, "2025-01", 200]])
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, source.read(info.filename))
                continue
            xml = source.read(info.filename)
            cut = xml.index(b"<sheetData>")
            member_info = zipfile.ZipInfo(info.filename)
            member_info.compress_type = zipfile.ZIP_DEFLATED
            with target.open(member_info, "w", force_zip64=True) as member:
                member.write(xml[:cut])
                chunk = b" " * (8 * 1024 * 1024)
                for _ in range(spaces // len(chunk)):
                    member.write(chunk)
                member.write(xml[cut:])
    return out.getvalue()
