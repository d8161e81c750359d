"""What an invoice run plans and reports, independent of where the agreements are stored.

The run (contracts_app.services.invoicing.runs) drafts invoices with invoices.building;
these hold each draft with the party it is to, and add the run's totals up as it goes.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from invoices.building import DraftInvoice
from invoices.trust_billing import Buyer, Section


@dataclass
class Party:
    """Who an invoice is to: the agreement's school or group (its lead school), or an ad hoc request's school."""

    agreement_id: int | None
    school_id: int
    urn: int
    name: str
    customer_type: str
    po_number: str
    status: str
    group: bool = False  # a group of schools' agreement (§2.1): billed to the group, never to a trust


@dataclass
class PlannedInvoice:
    """One invoice a run will raise: its party, its drafted lines and its description."""

    party: Party
    draft: DraftInvoice
    description: str
    adhoc_request_id: int | None = None
    span: tuple[date, date] | None = None  # an ad hoc invoice's first and last days of work
    # Issue #29: the trust it is addressed to, and on a consolidated invoice each line's section.
    buyer: Buyer | None = None
    sections: list[Section] | None = None


@dataclass
class RunReport:
    """What a run raised: running totals, and the first invoices for a preview.

    Only a sample of the planned invoices is kept (KEEP): a national run raises tens of
    thousands, and their lines are already in the database.
    """

    sla_year: int
    term: str
    issue_date: date
    dry_run: bool
    run_id: int | None = None  # the run's row, once raised (its invoices carry it)
    invoices: list[PlannedInvoice] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # Schools invoiced by the run and, of those, (URN, name) of each nobody receives invoices for
    # by email (issue #18): listed on the report, never silently skipped.
    school_ids: set[int] = field(default_factory=set)
    no_invoice_contact: list[tuple[int, str]] = field(default_factory=list)
    already_billed: int = 0
    count: int = 0
    lines_count: int = 0
    total_net: Decimal = Decimal("0.00")
    total_gross: Decimal = Decimal("0.00")
    _by_type: dict = field(default_factory=lambda: defaultdict(lambda: [0, Decimal("0.00"), Decimal("0.00")]))
    _by_vat: dict = field(default_factory=lambda: defaultdict(lambda: [Decimal("0.00"), Decimal("0.00")]))

    KEEP = 500

    def add(self, planned: list[PlannedInvoice]) -> None:
        """Count a batch of planned invoices into the totals (and the sample)."""
        for p in planned:
            net, gross = p.draft.net, p.draft.gross
            self.count += 1
            self.school_ids.add(p.party.school_id)
            self.lines_count += len(p.draft.lines)
            self.total_net += net
            self.total_gross += gross
            row = self._by_type[p.party.customer_type]
            row[0] += 1
            row[1] += net
            row[2] += gross
            for b in p.draft.vat_breakdown:
                self._by_vat[b.code][0] += b.net
                self._by_vat[b.code][1] += b.vat
            if len(self.invoices) < self.KEEP:
                self.invoices.append(p)

    def by_customer_type(self) -> dict[str, tuple[int, Decimal, Decimal]]:
        """Invoices, net and gross per customer type."""
        return {k: tuple(v) for k, v in sorted(self._by_type.items())}

    def by_vat_code(self) -> dict[str, tuple[Decimal, Decimal]]:
        """Net and VAT per VAT code."""
        return {k: tuple(v) for k, v in sorted(self._by_vat.items())}
