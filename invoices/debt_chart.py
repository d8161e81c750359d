"""The aged-debt chart of the finance home page (pygal, as the KPI chart): what is owed per
age bucket, as a standalone SVG served with its own policy and shown through an <img>."""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import pygal
from pygal.style import Style

from invoices.due import AGE_BUCKETS

_STYLE = Style(
    background="#ffffff", plot_background="#ffffff", foreground="#1d2330", foreground_strong="#1d2330",
    foreground_subtle="#5b6475", colors=("#1f6fb2",), font_family="system-ui, 'Segoe UI', Roboto, Arial, sans-serif",
    title_font_size=16, label_font_size=12, major_label_font_size=12, value_font_size=11, no_data_font_size=16,
)
BUCKET_LABELS = {"current": "Not yet due", "1-30": "1-30 days", "31-60": "31-60 days", "61-90": "61-90 days",
                 "90+": "Over 90 days"}


def aged_debt_svg(totals: Mapping[str, Decimal], title: str = "Aged debt") -> bytes:
    """One bar per age bucket, labelled in pounds; an empty chart says nothing is owed."""
    values = [totals.get(bucket, Decimal(0)) for bucket in AGE_BUCKETS]
    chart = pygal.Bar(style=_STYLE, width=760, height=320, js=[], title=title, show_legend=False,
                      print_values=True, value_formatter=lambda v: f"£{v:,.2f}", no_data_text="Nothing is owed",
                      explicit_size=True, disable_xml_declaration=False, margin_right=30)
    chart.x_labels = [BUCKET_LABELS[b] for b in AGE_BUCKETS]
    if any(values):
        # the exact pounds, printed as such (pygal takes Decimal values)
        chart.add("Owed", [{"value": v, "formatter": lambda _, v=v: f"£{v:,.2f}"} for v in values])
    return chart.render()
