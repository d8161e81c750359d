"""The service levels a template version promises, read from its own text: §6.2 incident
targets per priority, §7.2 the standard and project service request targets, §11.1 the KPI.

Both spellings ``read_template`` understands are read (pipe tables and the customer's
tab-separated export). A template whose tables cannot be read is refused with the line,
so that no version is measured against figures it does not state.
Pure Python: no Flask, no database.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from documents.reading import RawBlock, plain, raw_blocks
from documents.template import TemplateRefused
from pricing.errors import ActionRefused
from servicedesk.targets import AGREED, KpiStandards, Target, TargetTable

__all__ = ["LEVEL_FIELDS", "read_service_levels", "read_target", "corrected_levels", "level_values"]

_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(\S.*)$")
_TIME = re.compile(r"^(?:(\d{1,3})\s*(?:-|–|—|to)\s*)?(\d{1,3})\s*(service desk hours?|desk hours?|hours?|hrs?|h"
                   r"|working days?|business days?|service desk days?|desk days?|days?)\.?$")
_KINDS = {"service desk hours": "desk_hours", "desk hours": "desk_hours", "hours": "desk_hours",
          "hrs": "desk_hours", "h": "desk_hours", "working days": "working_days", "business days": "working_days",
          "service desk days": "desk_days", "desk days": "desk_days", "days": "desk_days"}
_EXAMPLE = "e.g. '0 - 4 Service Desk Hours', '0 - 3 Working Days', '10 Service Desk Days' or 'Agreed with the customer'"
_PERCENT = r"(\d{1,3}(?:\.\d+)?)\s*%"


@dataclass
class _Section:
    number: str
    line: int
    blocks: list[RawBlock]


def read_target(text: str) -> Target | None:
    """A target resolution time as a template words it, or None if it is not one.

    "0 - 4 Service Desk Hours" is 4 desk hours; "3-5 Service Desk Days" is 5 (the upper
    bound is the target); "Agreed with customer" has no clock (§7.2 project requests)."""
    words = re.sub(r"\s+", " ", plain(text).lower()).strip().rstrip(".")
    if words.startswith("agreed"):
        return AGREED
    match = _TIME.match(words)
    if not match or int(match.group(2)) < 1 or (match.group(1) and int(match.group(1)) > int(match.group(2))):
        return None
    unit = match.group(3)
    kind = _KINDS.get(unit) or _KINDS.get(unit + "s") or _KINDS[unit.rstrip("s") + "s"]
    return Target(kind, int(match.group(2)))  # type: ignore[arg-type]


def _sections(text: str) -> dict[str, _Section]:
    """The numbered sections' blocks, by number (the first of each number)."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found: dict[str, _Section] = {}
    current: _Section | None = None
    for block in raw_blocks(lines):
        if block.kind == "heading":
            numbered = _NUMBERED.match(plain(block.text))
            if numbered:
                current = found.setdefault(numbered.group(1), _Section(numbered.group(1), block.line, []))
                continue
        if current is not None:
            current.blocks.append(block)
    return found


def _column(header: list[str], *words: str) -> int | None:
    for word in words:
        for index, cell in enumerate(header):
            if word in plain(cell).lower():
                return index
    return None


def _table(section: _Section | None, what: str, problems: list[tuple[int, str]],
           first_column: tuple[str, ...]) -> tuple[list, int, int] | None:
    """The section's table of target times: (rows, key column, target column), or None with a problem."""
    if section is None:
        problems.append((0, f"there is no section {what}: it states the {_WHAT[what]}"))
        return None
    for block in section.blocks:
        if block.kind != "table" or not block.rows:
            continue
        header = block.rows[0][1]
        key, target = _column(header, *first_column), _column(header, "target", "resolution time")
        if key is not None and target is not None:
            return block.rows[1:], key, target
    problems.append((section.line, f"section {what} has no table with a Priority column and a Target Resolution "
                                   f"Time column: it states the {_WHAT[what]}"))
    return None


_WHAT = {"6.2": "target resolution time of each incident priority",
         "7.2": "target resolution time of standard and project service requests",
         "11.1": "key performance indicators"}


def _cell_target(line: int, cells: list[str], column: int, where: str,
                 problems: list[tuple[int, str]]) -> Target | None:
    text = cells[column] if column < len(cells) else ""
    target = read_target(text)
    if target is None:
        problems.append((line, f"{where}: {plain(text)!r} is not a target resolution time ({_EXAMPLE})"))
    return target


def _incidents(section: _Section | None, problems: list[tuple[int, str]]) -> list[Target | None]:
    """§6.2: one target per priority 1 to 4."""
    found = _table(section, "6.2", problems, ("priority",))
    if found is None:
        return [None] * 4
    rows, key, column = found
    targets: dict[int, Target | None] = {}
    for line, cells in rows:
        number = re.fullmatch(r"(?:p|priority)?\s*(\d)", plain(cells[key]).lower() if key < len(cells) else "")
        if not number or not 1 <= int(number.group(1)) <= 4:
            problems.append((line, f"section 6.2: {plain(cells[key]) if key < len(cells) else ''!r} is not an "
                                   "incident priority (1, 2, 3 or 4)"))
        elif int(number.group(1)) in targets:
            problems.append((line, f"section 6.2: priority {number.group(1)} appears twice"))
        else:
            targets[int(number.group(1))] = _cell_target(line, cells, column, f"section 6.2 priority "
                                                                              f"{number.group(1)}", problems)
    missing = [str(p) for p in (1, 2, 3, 4) if p not in targets]
    if missing:
        problems.append((section.line, f"section 6.2's table has no row for priority {', '.join(missing)}"))  # type: ignore[union-attr]
    return [targets.get(p) for p in (1, 2, 3, 4)]


def _requests(section: _Section | None, problems: list[tuple[int, str]]) -> tuple[Target | None, Target | None]:
    """§7.2: the standard service request target, and the project request target."""
    found = _table(section, "7.2", problems, ("type", "priority"))
    if found is None:
        return None, None
    rows, _, column = found
    standard = project = None
    for line, cells in rows:
        # The Priority and Type cells ("SR", "Standard"; "Project SR", "Project") say which request it is.
        words = re.split(r"\W+", " ".join(plain(c).lower() for i, c in enumerate(cells[:2]) if i != column))
        if "project" in words:
            project = _cell_target(line, cells, column, "section 7.2 project request", problems)
        elif "standard" in words or "sr" in words:
            standard = _cell_target(line, cells, column, "section 7.2 standard request", problems)
    if standard is None and not any(line == section.line for line, _ in problems):  # type: ignore[union-attr]
        problems.append((section.line, "section 7.2's table has no Standard service request row"))  # type: ignore[union-attr]
    return standard, project or AGREED


def _kpi(section: _Section | None, problems: list[tuple[int, str]]) -> KpiStandards | None:
    """§11.1: the share completed within SLA (needed), the call and email standards (if stated)."""
    if section is None:
        problems.append((0, f"there is no section 11.1: it states the {_WHAT['11.1']}"))
        return None
    items = [(item[0], item[3]) for b in section.blocks if b.kind == "list" for item in b.items or ()]
    items += [(b.line, b.text) for b in section.blocks if b.kind == "para"]
    found: dict[str, tuple] = {}
    for _, raw in items:
        text = plain(raw).lower()
        calls = re.search(_PERCENT + r".*\bcalls?\b.*?(\d{1,4})\s*(?:seconds?|secs?|s)\b", text)
        emails = re.search(_PERCENT + r".*\be-?mails?\b.*?(\d{1,2})\s*(?:business|working)\s*days?\b", text)
        resolved = re.search(_PERCENT + r".*\b(?:incidents|service requests)\b.*\bsla\b", text)
        if calls:
            found.setdefault("calls", (Decimal(calls.group(1)), int(calls.group(2))))
        elif emails:
            found.setdefault("emails", (Decimal(emails.group(1)), int(emails.group(2))))
        elif resolved:
            found.setdefault("resolved", (Decimal(resolved.group(1)),))
    if "resolved" not in found:
        problems.append((section.line, "section 11.1 does not say what share of incidents and service requests is "
                                       "completed within SLA (e.g. '95% of incidents and service requests closed "
                                       "within the SLA targets')"))
        return None
    calls, emails = found.get("calls", (None, None)), found.get("emails", (None, None))
    try:
        return KpiStandards(found["resolved"][0], calls[0], calls[1], emails[0], emails[1])
    except ValueError as exc:
        problems.append((section.line, f"section 11.1: {exc}"))
        return None


def read_service_levels(text: str, name: str, source: str = "template") -> TargetTable:
    """§6.2, §7.2 and §11.1 as this template states them, as the target table its tickets are
    measured against; ``TemplateRefused`` naming the line of every figure that cannot be read."""
    sections = _sections(text)
    problems: list[tuple[int, str]] = []
    incidents = _incidents(sections.get("6.2"), problems)
    standard, project = _requests(sections.get("7.2"), problems)
    kpi = _kpi(sections.get("11.1"), problems)
    if problems or standard is None or kpi is None or None in incidents:
        ordered = sorted(dict.fromkeys(problems), key=lambda problem: problem[0])
        raise TemplateRefused([f"line {line}: {reason}" if line else reason for line, reason in ordered], source)
    return TargetTable(name, tuple(incidents), standard, project or AGREED, kpi)  # type: ignore[arg-type]


#: The figures the SLA team may correct on a version's page, as the SLA words them.
LEVEL_FIELDS = {"p1": "Priority 1 incidents", "p2": "Priority 2 incidents", "p3": "Priority 3 incidents",
                "p4": "Priority 4 incidents", "standard": "Standard service requests",
                "project": "Project service requests", "resolved_percent": "Completed within SLA (%)",
                "calls_percent": "Calls answered (%)", "calls_seconds": "within (seconds)",
                "emails_percent": "Emails replied to (%)", "emails_days": "within (business days)"}


def level_values(table: TargetTable) -> dict[str, str]:
    """The table as the correction form's fields (targets worded as the SLA words them)."""
    kpi = table.kpi
    values = {f"p{p}": table.target_for("incident", p).label for p in (1, 2, 3, 4)}
    values.update(standard=table.service_request.label, project=table.project.label)
    for name in ("resolved_percent", "calls_percent", "calls_seconds", "emails_percent", "emails_days"):
        value = getattr(kpi, name)
        values[name] = "" if value is None else str(value)
    return values


def corrected_levels(values: dict[str, str], name: str) -> TargetTable:
    """§6.2, §7.2, §11.1 as the SLA team corrected them; ``ActionRefused`` naming every field
    that is not a target time or a percentage (the same wording a template's tables use)."""
    problems: list[str] = []
    targets: dict[str, Target | None] = {}
    for key in ("p1", "p2", "p3", "p4", "standard", "project"):
        targets[key] = read_target(values.get(key, ""))
        if targets[key] is None:
            problems.append(f"{LEVEL_FIELDS[key]}: {values.get(key, '')!r} is not a target resolution time "
                            f"({_EXAMPLE})")
    numbers: dict[str, Decimal | int | None] = {}
    for key in ("resolved_percent", "calls_percent", "calls_seconds", "emails_percent", "emails_days"):
        text = (values.get(key) or "").strip().rstrip("%").strip()
        pattern = r"\d{1,3}(?:\.\d+)?" if key.endswith("percent") else r"\d{1,4}"
        if not text and key != "resolved_percent":
            numbers[key] = None
        elif re.fullmatch(pattern, text):
            numbers[key] = Decimal(text) if key.endswith("percent") else int(text)
        else:
            problems.append(f"{LEVEL_FIELDS[key]}: {values.get(key, '')!r} is not a "
                            f"{'percentage' if key.endswith('percent') else 'whole number'}")
    if not problems:
        try:
            kpi = KpiStandards(**numbers)  # type: ignore[arg-type]
            return TargetTable(name, (targets["p1"], targets["p2"], targets["p3"], targets["p4"]),  # type: ignore[arg-type]
                               targets["standard"], targets["project"], kpi)  # type: ignore[arg-type]
        except (ValueError, TypeError) as exc:
            problems.append(str(exc))
    raise ActionRefused("; ".join(problems))
