"""The service desk's time log, row by row (DESIGN §4): its columns, its dates, and what
makes a row the same row when the log is imported again (so no time is charged twice, §2.6)."""
from __future__ import annotations

import hashlib
from datetime import date, datetime

COLUMNS = ("urn", "reference", "kind", "date", "minutes", "description")
IMPORTED_BY = "service desk time log"


def parse_work_date(text: str) -> date | None:
    """A date cell as YYYY-MM-DD or DD/MM/YYYY, or None when it is not a date."""
    text = text.strip()
    if len(text) >= 10 and text[4:5] == "-" and text[10:11] in ("", " ", "T"):
        text = text[:10]  # spreadsheets write date cells as "2026-03-12 00:00:00"
    for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%d/%m/%Y").date()):
        try:
            return parse(text)
        except ValueError:
            continue
    return None


def import_key(urn: int | None, reference: str, kind: str, work_date: date, minutes: int, description: str) -> str:
    """What makes a time-log row the same row when the log is imported again: all of its cells."""
    text = "\x1f".join([str(urn), reference, kind, work_date.isoformat(), str(minutes), " ".join(description.split())])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
