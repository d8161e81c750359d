"""What a credit note would credit, line by line, for its confirmation step (issue #20).
Nothing is saved; issuing checks everything again (balances.issue_credit_note)."""
from __future__ import annotations

from decimal import Decimal

from invoices.credit import full_credit

from contracts_app.models import Invoice
from contracts_app.services.invoicing.balances import credited_by_line


def credit_lines_preview(invoice: Invoice, amounts: dict[int, Decimal] | None) -> list[str]:
    """One sentence per line to be credited: its position, service and the net amount, and what stays."""
    already = credited_by_line(invoice)
    nets = {line.id: line.net for line in invoice.lines}
    requests = {r.line_id: r.amount for r in full_credit(nets, already)} if amounts is None else {
        line_id: amount for line_id, amount in amounts.items() if amount}
    out = []
    for line in invoice.lines:
        if line.id in requests:
            left = line.net - already.get(line.id, Decimal("0.00")) - requests[line.id]
            out.append(f"Line {line.position} {line.service_code}: £{requests[line.id]:,.2f} net credited "
                       f"(VAT {line.vat_code}), £{left:,.2f} left on the line.")
    return out
