"""Forms of the SLA performance reports: the period (a GET filter) and the ticket import."""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, Field, StringField, SubmitField
from wtforms.validators import Optional, ValidationError

from servicedesk.period import long_date

# Reports go back to the start of the call log, not to year 1: a typo like 0202 is caught here.
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
MAX_YEARS = 10


class IsoDateField(DateField):
    """A YYYY-MM-DD date whose error says what was typed and what is expected."""

    def process_formdata(self, valuelist: list[str]) -> None:
        """Read the typed date; anything but YYYY-MM-DD is an error naming what was typed."""
        text = " ".join(valuelist).strip() if valuelist else ""
        if not text:
            self.data = None
            return
        try:
            self.data = date.fromisoformat(text)
        except ValueError:
            self.data = None
            raise ValueError(f"{text!r} is not a date: give it as YYYY-MM-DD, e.g. 2026-04-01.") from None


class PeriodForm(FlaskForm):
    """The report period, read from the query string (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    start = IsoDateField("From", validators=[Optional()], description="Tickets logged on or after (YYYY-MM-DD)")
    end = IsoDateField("To", validators=[Optional()], description="Tickets logged on or before (YYYY-MM-DD)")

    def _in_range(self, field: Field) -> None:
        if field.data is not None and not EARLIEST <= field.data <= LATEST:
            raise ValidationError(f"{long_date(field.data)} is outside the years {EARLIEST.year}-{LATEST.year}.")

    def validate_start(self, field: Field) -> None:
        """The start within the years reports cover."""
        self._in_range(field)

    def validate_end(self, field: Field) -> None:
        """The end within the years reports cover, not before the start, and not too long after it."""
        self._in_range(field)
        if field.data and self.start.data:
            if field.data < self.start.data:
                raise ValidationError(f"The period ends ({long_date(field.data)}) before it starts "
                                      f"({long_date(self.start.data)}).")
            if (field.data - self.start.data).days > MAX_YEARS * 366:
                raise ValidationError(f"The period is longer than {MAX_YEARS} years; choose a shorter one.")

    @property
    def messages(self) -> list[str]:
        """Every error with the field it belongs to, for responses that are not pages."""
        return [f"{getattr(self, name).label.text}: {error}" for name, errors in self.errors.items()
                for error in errors]


class TicketImportForm(FlaskForm):
    """The call logging system's ticket log to upload."""

    file = FileField("Ticket log from the call logging system (CSV)", validators=[FileRequired(
        message="Choose the CSV file to import.")])
    submit = SubmitField("Import tickets")


class ContactImportForm(FlaskForm):
    """The telephony system's call log, or the desk mailbox's email log, to upload (§11.1)."""

    file = FileField("Log file (CSV or XLSX)", validators=[FileRequired(message="Choose the file to import.")])
    submit = SubmitField("Import")


class MirForm(FlaskForm):
    """§6.5: the Major Incident Report as a PDF, or why none was produced."""

    file = FileField("Major Incident Report (PDF)")
    reason = StringField("Or: why no report was produced")
    submit = SubmitField("Save")
