"""Forms for ad hoc work. The rules live in services.adhoc; these only parse what was typed."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, DecimalField, IntegerField, SelectField, StringField, SubmitField, \
    TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from adhoc.lifecycle import KIND_NAMES, KIND_SECTIONS
from contracts_app.web.pickers.fields import SchoolField
from contracts_app.web.validators import OneLine, PlainText

KIND_CHOICES = [(k, f"{name} ({KIND_SECTIONS[k]})") for k, name in KIND_NAMES.items()]
THIRD_PARTY_HINT = ("A request made by a third party on the school's behalf needs the school's written approval "
                    "(§9.4); for rework, the third party whose unauthorised changes are being put right (§9.5).")
REPORT_HINT = "Rework only (§9.5): why the council had to intervene. It goes to the school with the invoice."


class RequestForm(FlaskForm):
    """A new request: the school, the service desk reference, the kind and the work."""

    urn = SchoolField("School", validators=[InputRequired(message="Give the school's URN.")],
                      description="Type part of its name, its URN or its postcode, then choose it.")
    reference = StringField("Reference", validators=[DataRequired(), Length(max=40), OneLine()],
                            description="The service desk call reference, e.g. SR104233: the time log import "
                                        "matches on it.")
    kind = SelectField("Kind of work", choices=KIND_CHOICES)
    description = TextAreaField("Work requested", validators=[DataRequired(), Length(max=5000), PlainText()])
    third_party = StringField("Third party", validators=[Optional(), Length(max=200), OneLine()],
                              description=THIRD_PARTY_HINT)
    intervention_report = TextAreaField("Why the council had to intervene", validators=[Optional(), Length(max=10000), PlainText()],
                                        description=REPORT_HINT)
    submit = SubmitField("Create the request")


class DetailsForm(FlaskForm):
    """A request's details that stay correctable until it is invoiced."""

    description = TextAreaField("Work requested", validators=[DataRequired(), Length(max=5000), PlainText()])
    third_party = StringField("Third party", validators=[Optional(), Length(max=200), OneLine()],
                              description=THIRD_PARTY_HINT)
    intervention_report = TextAreaField("Why the council had to intervene", validators=[Optional(), Length(max=10000), PlainText()],
                                        description=REPORT_HINT)
    submit = SubmitField("Save details")


class EstimateForm(FlaskForm):
    """The estimate in hours and the SLA year whose rate it is at (§7.3)."""

    hours = DecimalField("Estimated hours", places=2, validators=[InputRequired(message="Give the estimated hours.")],
                         description="Charged per hour or part thereof (§2.6): 2.5 hours would be charged as 3.")
    sla_year = IntegerField("SLA year of the work (its start: 2026 means 2026-27)",
                            validators=[InputRequired(), NumberRange(2000, 2100)])
    submit = SubmitField("Save the estimate")


class WrittenAuthorisationForm(FlaskForm):
    """Staff record the school's written authorisation (§7.3)."""

    name = StringField("Authorised by (name at the school)", validators=[DataRequired(), Length(max=200), OneLine()])
    authorised_on = DateField("Date of the written authorisation", validators=[InputRequired()])
    submit = SubmitField("Record the authorisation")


class PortalAuthorisationForm(FlaskForm):
    """A school user authorises the estimate in the portal (§7.3)."""

    name = StringField("Your name", validators=[DataRequired(), Length(max=200), OneLine()])
    confirm = BooleanField("I authorise this work on behalf of the school, charged at the ad hoc rate per hour or part "
                           "thereof", validators=[DataRequired(message="Tick the box to authorise the work.")])
    submit = SubmitField("Authorise the work")


class DeclineForm(FlaskForm):
    """The school turns the request down, with its reason."""

    reason = TextAreaField("Reason", validators=[DataRequired(message="Give the reason."), Length(max=2000),
                                                   PlainText()])
    submit = SubmitField("Decline the request")


class TimeForm(FlaskForm):
    """One time entry: a day, its minutes, who and what."""

    work_date = DateField("Date worked", validators=[InputRequired(message="Give the date the work was done.")])
    minutes = IntegerField("Minutes", validators=[InputRequired(message="Give the minutes worked.")])
    who = StringField("Who", validators=[Optional(), Length(max=200), OneLine()])
    note = TextAreaField("What was done", validators=[Optional(), Length(max=2000), PlainText()])
    submit = SubmitField("Log the time")


class CompleteForm(FlaskForm):
    """The day the work was completed (§7.4)."""

    completed_on = DateField("Completed on", validators=[InputRequired()])
    submit = SubmitField("Mark the request complete")


class ImportForm(FlaskForm):
    """The service desk's time log file."""

    file = FileField("Time log (CSV or XLSX)", validators=[FileRequired()])
    submit = SubmitField("Import")


class RequestsImportForm(FlaskForm):
    """The requests raised in the call-logging system, as a file."""

    file = FileField("Ad hoc requests (CSV or XLSX)", validators=[FileRequired()])
    submit = SubmitField("Import the requests")


class ConfirmForm(FlaskForm):
    """A bare confirmation (CSRF only) for buttons that change something."""

    submit = SubmitField("Confirm")
