"""The KPI chart as a standalone SVG (pygal): incidents and service requests completed
within SLA per month against the §11.1 target of 95%. No Flask here.

The SVG carries its own inline styles, so it is served as its own response (with its
own Content-Security-Policy) and shown through an <img>, where scripts never run.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import pygal
from pygal.style import Style

from servicedesk import Tally

_STYLE = Style(
    background="#ffffff", plot_background="#ffffff", foreground="#1d2330", foreground_strong="#1d2330",
    foreground_subtle="#5b6475", colors=("#1f6fb2", "#b3261e"), opacity=".9", opacity_hover="1",
    font_family="system-ui, 'Segoe UI', Roboto, Arial, sans-serif", title_font_size=16,
    label_font_size=12, major_label_font_size=12, legend_font_size=13, value_font_size=11,
    no_data_font_size=16, stroke_width="3", stroke_opacity="1", stroke_width_hover="3",
)


def kpi_chart_svg(months: Sequence[tuple[date, Tally]], kpi_percent: Decimal, title: str) -> bytes:
    """A line of the percentage within SLA per month, and the KPI as a dashed line.

    A month with nothing decided (no ticket met or breached yet) is a gap, not 0%.
    """
    values = [None if tally.percent_met is None else float(tally.percent_met) for _, tally in months]
    has_data = any(v is not None for v in values)
    chart = pygal.Line(
        style=_STYLE, width=860, height=380, js=[],  # no script from a CDN (and none runs in an <img>)
        title=title, range=(0, 100), include_x_axis=True,
        # pygal cannot place fixed y labels on an empty chart; it shows no_data_text instead.
        y_labels=list(range(0, 101, 20)) if has_data else None, show_y_guides=has_data, show_y_labels=has_data,
        margin_right=40,
        legend_at_bottom=True, legend_at_bottom_columns=2, print_values=True, allow_interruptions=True,
        show_minor_x_labels=len(months) <= 13, x_labels_major_count=12, truncate_label=-1,
        value_formatter=lambda value: f"{value:.1f}%", no_data_text="No incidents or service requests decided",
        disable_xml_declaration=False, explicit_size=True,
    )
    chart.x_labels = [f"{month:%b %Y}" for month, _ in months]
    if has_data:
        chart.add("Completed within SLA", values, dots_size=5, stroke_style={"width": 3})
        chart.add(f"KPI: {kpi_percent}%", [float(kpi_percent)] * len(months), show_dots=False,
                  print_values=False, stroke_style={"width": 3, "dasharray": "8, 5"})
    return chart.render()
