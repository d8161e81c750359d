"""Service desk SLA clocks: opening hours, target resolution times and KPI reporting.

Pure Python (no web or database code), following the SLA's §5.3 opening times,
§5.4 closure dates, §6.2/§7.2 targets, §6.6 third-party suspensions and §11.1 KPIs.
"""
from servicedesk.calendar import Interval, ServiceDeskCalendar
from servicedesk.clock import Suspension, TicketClock, measure, merge_suspensions
from servicedesk.hours import DEFAULT_HOURS, DeskHours
from servicedesk.report import ReportRow, SlaReport, Tally, sla_report
from servicedesk.targets import (
    ACADEMY_2018_19,
    AGREED,
    INCIDENT_PRIORITIES,
    KPI_PERCENT_MET,
    SLA_2022_23,
    TICKET_TYPES,
    Target,
    TargetTable,
    deadline,
    desk_allowance,
    target_table_from_dict,
)

__all__ = [
    "DeskHours", "DEFAULT_HOURS", "Interval", "ServiceDeskCalendar",
    "Target", "TargetTable", "AGREED", "TICKET_TYPES", "INCIDENT_PRIORITIES", "KPI_PERCENT_MET",
    "SLA_2022_23", "ACADEMY_2018_19", "target_table_from_dict", "deadline", "desk_allowance",
    "Suspension", "TicketClock", "measure", "merge_suspensions",
    "ReportRow", "SlaReport", "Tally", "sla_report",
]
