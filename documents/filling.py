"""Filling in a template for one agreement: the party, the term, the lists, the charges,
the invoice schedule, the contacts and the appendix (DESIGN "The filled-in SLA document").

A value the agreement lacks is taken from the council's configuration and *flagged*
(``FilledDocument.fallbacks``), never left as a bracket. Pure Python: the facts come
in as plain data prepared by the service layer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from invoices.schedule import ScheduleError, billing_periods, schedule_description
from pricing.money import format_gbp

from documents.model import (
    Block,
    BulletList,
    FilledDocument,
    ListItem,
    Paragraph,
    Section,
    Slot,
    Table,
    Template,
)
from documents.template import with_every_block

__all__ = ["Council", "ServiceLine", "Contact", "AgreementFacts", "fill", "day_words", "term_words",
           "CUSTOMER_TYPE_NAMES"]

CUSTOMER_TYPE_NAMES = {"maintained": "Maintained school", "academy": "Academy school"}
_PLACEHOLDER = re.compile(r"\[([^\[\]\n]+)\]")


@dataclass(frozen=True)
class Council:
    """The council's own details, from the app's configuration (defaults: Coventry's, as in the SLA)."""

    name: str = "Coventry City Council"
    service: str = "ICT & Digital"
    address: str = "ICT & Digital, PO Box 15, Council House, Coventry, CV1 5RR"
    service_desk_phone: str = "024 7678 6620"
    incident_email: str = "schoolsict@coventry.gov.uk"
    request_email: str = "schoolsictrequest@coventry.gov.uk"
    general_email: str = "ictschoolreply@coventry.gov.uk"
    sla_queries_phone: str = "024 7697 5493"
    sla_queries_email: str = "ictschoolreply@coventry.gov.uk"
    odm_email: str = "odm@coventry.gov.uk"
    head_of_service: str = "the Head of ICT and Digital"
    head_of_service_email: str = "ictschoolreply@coventry.gov.uk"
    website: str = "www.coventry.gov.uk/schoolsict"
    default_odm: str = "Operational Delivery Managers (odm@coventry.gov.uk)"
    payment_terms_days: int = 30


@dataclass(frozen=True)
class ServiceLine:
    """A service on the agreement; prices only for subscribed lines."""

    code: str
    title: str
    quantity: Decimal = Decimal(1)
    unit: str = ""
    start_date: date | None = None
    end_date: date | None = None
    annual_price: Decimal | None = None
    explanation: str = ""
    vat_code: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Contact:
    """A key stakeholder (§9.6); ``school`` names the school when the party is a group."""

    name: str
    role: str
    email: str = ""
    phone: str = ""
    school: str = ""


@dataclass(frozen=True)
class AgreementFacts:
    """Everything the document says about one agreement, as plain data."""

    party_name: str
    schools: tuple[tuple[str, int], ...]
    customer_type: str
    sla_year_label: str
    term_start: date
    term_end: date
    group: bool = False
    subscribed: tuple[ServiceLine, ...] = ()
    additional: tuple[ServiceLine, ...] = ()
    excluded: tuple[ServiceLine, ...] = ()
    annual_total: Decimal | None = None
    draft: bool = False
    pricing_problems: tuple[str, ...] = ()
    odm_name: str = ""
    odm_email: str = ""
    po_number: str = ""
    stakeholders: tuple[Contact, ...] = ()
    issued_on: date | None = None
    status_text: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)


def day_words(day: date) -> str:
    """``1 April 2025``: a date as the agreement writes it."""
    return f"{day.day} {day:%B %Y}"


def term_words(start: date, end: date) -> str:
    """``1 April 2025 to 31 March 2026``."""
    return f"{day_words(start)} to {day_words(end)}"


def _quantity(line: ServiceLine) -> str:
    return _quantity_words(line.quantity, line.unit)


@lru_cache(maxsize=4096)
def _quantity_words(quantity: Decimal, unit: str) -> str:
    # A handful of quantities repeat across every agreement in the country (1 to a few hundred).
    number = format(quantity.normalize(), "f")
    if not unit:
        return number
    plural = quantity != 1 and not unit.endswith("s")
    return f"{number} {unit}{'s' if plural else ''}"


def _line_dates(line: ServiceLine) -> str:
    notes = []
    if line.start_date:
        notes.append(f"from {day_words(line.start_date)}")
    if line.end_date:
        notes.append(f"stops {day_words(line.end_date)}, payable for the whole term (§2.5 d)")
    return f" ({'; '.join(notes)})" if notes else ""


@lru_cache(maxsize=1024)
def _has_placeholders(section: Section) -> bool:
    """Whether filling in changes the section: a block placeholder, or "[" in any of its text."""
    if any(isinstance(block, Slot) for block in section.blocks) or any("[" in text for text in section.texts()):
        return True
    # texts() leaves out a table's total row, which filling in also fills
    return any("[" in cell for block in section.blocks if isinstance(block, Table) and block.footer
               for cell in block.footer)


class _Filler:
    """Fills one document; collects the fallbacks it had to use."""

    def __init__(self, facts: AgreementFacts, council: Council) -> None:
        self.facts = facts
        self.council = council
        self.fallbacks: list[str] = []
        self.dates = [day_words(facts.term_start), day_words(facts.term_end)]
        self.values = self._values()

    # -- inline values --------------------------------------------------------------

    def odm(self) -> str:
        """§10.1: the nominated ODM; the council's default (flagged) until one is named."""
        f, c = self.facts, self.council
        name = f.odm_name.strip()
        if not name:
            self.flag(f"No Operational Delivery Manager is named on the agreement: the document names the "
                      f"council's default, {c.default_odm} (§10.1).")
            return c.default_odm
        if name == c.default_odm:
            self.flag(f"The Operational Delivery Manager is still the council's default ({c.default_odm}): "
                      "name the school's own ODM on the agreement (§10.1).")
        if f.odm_email and f.odm_email.lower() not in name.lower():
            return f"{name} ({f.odm_email})"
        return name

    def party(self) -> str:
        """The party as the agreement names it: the school, or the group and its schools."""
        f = self.facts
        if not f.group:
            return f"{f.party_name}."
        members = ", ".join(f"{name} (URN {urn})" for name, urn in f.schools)
        return f"{f.party_name}, a group of schools: {members}."

    def _values(self) -> dict[str, str]:
        c = self.council
        return {
            "name of school": self.facts.party_name, "name or group of schools.": self.party(),
            "council name": c.name, "service name": c.service, "service desk phone": c.service_desk_phone,
            "incident email": c.incident_email, "request email": c.request_email, "general email": c.general_email,
            "sla queries phone": c.sla_queries_phone, "sla queries email": c.sla_queries_email,
            "odm email": c.odm_email, "head of service": c.head_of_service,
            "head of service email": c.head_of_service_email, "council address": c.address,
            "website": c.website, "Operational Delivery Manager": self.odm(),
        }

    def flag(self, message: str) -> None:
        """Note a value taken from the council's configuration (once each)."""
        if message not in self.fallbacks:
            self.fallbacks.append(message)

    def text(self, text: str) -> str:
        """The text with every inline placeholder replaced by its value."""
        if "[" not in text:  # most of the template's text has none
            return text

        def value(match: re.Match) -> str:
            name = match.group(1)
            if name == "DATE":
                # §2.2 "from [DATE] to [DATE]": the start, then the end of the term.
                return self.dates.pop(0) if len(self.dates) > 1 else self.dates[0]
            return self.values.get(name, match.group(0))

        return _PLACEHOLDER.sub(value, text)

    # -- generated blocks -------------------------------------------------------------

    def subscribed(self) -> list[Block]:
        """§4.1: the subscribed services with their quantities."""
        lines = self.facts.subscribed
        if not lines:
            return [Paragraph("No services are subscribed yet.")]
        return [Table(("Service", "Qty"), tuple((f"{l.title}{_line_dates(l)}", _quantity(l)) for l in lines))]

    @staticmethod
    def titles(lines: tuple[ServiceLine, ...]) -> list[Block]:
        """§4.2 and §4.3: the services available at an extra charge, or excluded, by title."""
        if not lines:
            return [Paragraph("None.")]
        return [Table(("Service",), tuple((l.title,) for l in lines))]

    def charges(self) -> list[Block]:
        """§2.6: the schedule of charges, each line with how its charge is worked out."""
        f = self.facts
        if not f.subscribed:
            return [Paragraph("There are no charges until a service is subscribed.")]
        rows = []
        for line in f.subscribed:
            if line.annual_price is None:
                price = "to be confirmed"
                if not f.pricing_problems:  # the price check's own reasons say more, when there are any
                    self.flag(f"{line.code} {line.title} has no price yet, so the schedule of charges says "
                              "\"to be confirmed\".")
            else:
                price = format_gbp(line.annual_price)
            rows.append((f"{line.title}{_line_dates(line)}", line.explanation or _quantity(line),
                         line.vat_code or "", price))
        total = format_gbp(f.annual_total) if f.annual_total is not None else "to be confirmed"
        blocks: list[Block] = [Table(("Service", "How the charge is worked out", "VAT", "Annual price"),
                                     tuple(rows), ("Annual total (before VAT)", "", "", total))]
        note = ("Annual prices exclude VAT, which invoices add at the rate of each line's VAT code (S standard "
                "rate, Z zero rate, E exempt, O outside the scope of VAT). A service that starts part way through "
                "the term is charged pro rata by calendar month (§2.7).")
        blocks.append(Paragraph(note, "note"))
        if f.draft:
            blocks.append(Paragraph("These are today's prices for a draft agreement: they are fixed when the "
                                    "agreement is issued.", "note"))
        return blocks

    def invoice_schedule(self) -> list[Block]:
        """§2.7 for this party's customer type, with the periods its invoices cover."""
        f = self.facts
        kind = CUSTOMER_TYPE_NAMES.get(f.customer_type, f.customer_type).lower()
        article = "an" if kind[0] in "aeiou" else "a"
        try:
            sentences = schedule_description(f.customer_type)
            periods = billing_periods(f.customer_type, f.term_start, f.term_end)
        except ScheduleError as exc:
            self.flag(f"The invoice schedule cannot be worked out ({exc}); section 2.7 gives it in general terms only.")
            return [Paragraph(f"{f.party_name} is invoiced as {article} {kind}. {exc}.")]
        said = "; ".join(s[0].lower() + s[1:] for s in sentences)
        blocks: list[Block] = [Paragraph(f"{f.party_name} is invoiced as {article} {kind}: {said}.")]
        rows = tuple((f"{p.term.capitalize()} term invoice", term_words(p.start, p.end)) for p in periods)
        blocks.append(Table(("Invoice", "Covers the period"), rows))
        blocks.append(Paragraph(f"Each invoice is payable within {self.council.payment_terms_days} days of its "
                                "issue date.", "note"))
        return blocks

    def stakeholders(self) -> list[Block]:
        """§9.6: the school's key stakeholders, or a request for them."""
        f = self.facts
        if not f.stakeholders:
            self.flag(f"No key stakeholders are recorded for {f.party_name}: the document asks the school to "
                      "send them (§9.6).")
            return [Paragraph(f"You have not given us any key stakeholders yet. Please send their names, roles, "
                              f"email addresses and telephone numbers to {self.council.general_email}, or add "
                              "them in the school portal.")]
        if f.group:
            return [Table(("School", "Name", "Role", "Email", "Phone"),
                          tuple((c.school, c.name, c.role, c.email, c.phone) for c in f.stakeholders))]
        return [Table(("Name", "Role", "Email", "Phone"),
                      tuple((c.name, c.role, c.email, c.phone) for c in f.stakeholders))]

    def service_details(self) -> list[Block]:
        """§13: the description of each subscribed service, from the catalogue."""
        f = self.facts
        if not f.subscribed:
            return [Paragraph("No services are subscribed yet.")]
        blocks: list[Block] = []
        for line in f.subscribed:
            blocks.append(Paragraph(f"{line.title} ({line.code})", "subhead"))
            paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\r?\n", line.description) if p.strip()]
            if not paragraphs:
                self.flag(f"{line.code} {line.title} has no description in the catalogue: the appendix (§13) "
                          "refers to the website instead.")
                paragraphs = [f"The full description of this service is on our website at {self.council.website}."]
            blocks += [Paragraph(p) for p in paragraphs]
        return blocks

    def block(self, slot: Slot) -> list[Block]:
        """The generated content a block placeholder stands for."""
        return {
            "schedule of charges": self.charges, "invoice schedule": self.invoice_schedule,
            "subscribed services table": self.subscribed,
            "additional services table": lambda: self.titles(self.facts.additional),
            "excluded services table": lambda: self.titles(self.facts.excluded),
            "key stakeholders table": self.stakeholders, "service details": self.service_details,
        }[slot.name]()

    # -- the document -------------------------------------------------------------------

    def section(self, section: Section) -> Section:
        """The section filled in: every placeholder replaced."""
        if not _has_placeholders(section):
            return section  # the template's own text, the same for every agreement
        blocks: list[Block] = []
        for block in section.blocks:
            if isinstance(block, Slot):
                blocks += self.block(block)
            elif isinstance(block, Paragraph):
                blocks.append(Paragraph(self.text(block.text), block.style))
            elif isinstance(block, BulletList):
                blocks.append(BulletList(tuple(ListItem(self.text(i.text), i.label, i.level) for i in block.items)))
            elif isinstance(block, Table):
                blocks.append(Table(tuple(self.text(c) for c in block.header),
                                    tuple(tuple(self.text(c) for c in row) for row in block.rows),
                                    tuple(self.text(c) for c in block.footer) if block.footer else None))
        return Section(section.number, self.text(section.title), tuple(blocks))

    def cover(self, version_text: str) -> tuple[tuple[str, str], ...]:
        """The cover page's facts, label and value."""
        f = self.facts
        pairs = [("Prepared for", f.party_name)]
        if f.group:
            pairs.append(("Schools", ", ".join(f"{name} (URN {urn})" for name, urn in f.schools)))
        elif f.schools:
            pairs.append(("URN", str(f.schools[0][1])))
        pairs += [("Customer type", CUSTOMER_TYPE_NAMES.get(f.customer_type, f.customer_type)),
                  ("SLA year", f.sla_year_label), ("Term", term_words(f.term_start, f.term_end)),
                  ("Operational Delivery Manager", self.values["Operational Delivery Manager"])]
        if f.po_number:
            pairs.append(("Purchase order", f.po_number))
        if f.issued_on and not f.draft:
            pairs.append(("Issued", day_words(f.issued_on)))
        if f.status_text:
            pairs.append(("Status", f.status_text))
        elif f.draft:
            pairs.append(("Status", "Draft: not yet issued"))
        pairs.append(("Document version", version_text))
        return tuple(pairs)


def fill(template: Template, facts: AgreementFacts, council: Council) -> FilledDocument:
    """The template filled in for the agreement: no placeholder is left.

    Every block placeholder is replaced by generated content (one the template
    lacks goes at the end of its home section, as when it was read), and every
    inline one by the agreement's value or the council's.
    """
    filler = _Filler(facts, council)
    # Stored templates carry every block already; one built in code may not.
    sections = with_every_block(template).sections
    if facts.draft:
        filler.flag("The agreement is a draft: the document shows today's prices, which are fixed when it is issued.")
    for problem in facts.pricing_problems:
        filler.flag(problem)
    for note in facts.notes:
        filler.flag(note)
    filled = tuple(filler.section(s) for s in sections)
    latest = template.latest
    version_text = latest.version + (f" ({latest.released})" if latest.released else "")
    return FilledDocument(
        title=template.title, party_name=facts.party_name, sla_year_label=facts.sla_year_label,
        term_words=term_words(facts.term_start, facts.term_end), template_version=latest.version,
        council_name=council.name, service_name=council.service, council_address=council.address,
        cover=filler.cover(version_text), control=template.control, sections=filled, draft=facts.draft,
        fallbacks=tuple(filler.fallbacks))
