"""Agreements with schools (SLA §1, §2.4, §2.5, §4), one job a module:

- ``status``: the live agreement of a year, audited moves between states, the calendar's settling;
- ``drafts``: creating a draft, its lines and details, withdrawing it;
- ``issuing``: draft -> active, one at a time and a whole year in bulk;
- ``changes``: services added or removed mid-year, one-off charges;
- ``cancellation``: written notice (§2.4);
- ``rollover``: next year's drafts;
- ``importing``: the agreements file;
- ``queries``: lists, one agreement, what the forms offer.

The names below are the package's front door for callers that want the whole of it
(the demo, benchmarks, tests); the package's own modules import each other directly.
"""
from contracts_app.services.agreements.cancellation import give_notice
from contracts_app.services.agreements.changes import add_charge, add_service, remove_service
from contracts_app.services.agreements.drafts import LineInput, create_draft, set_lines, withdraw_draft
from contracts_app.services.agreements.importing import AgreementImportReport, import_agreements
from contracts_app.services.agreements.issuing import IssueReport, issue, issue_year
from contracts_app.services.agreements.rollover import RolloverReport, rollover
from contracts_app.services.agreements.status import find, settle

__all__ = [
    "AgreementImportReport", "IssueReport", "LineInput", "RolloverReport", "add_charge", "add_service",
    "create_draft", "find", "give_notice", "import_agreements", "issue", "issue_year", "remove_service",
    "rollover", "set_lines", "settle", "withdraw_draft",
]
