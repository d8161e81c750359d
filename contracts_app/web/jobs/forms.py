"""The forms that start a job; each kind's fields are its parameters (docs/jobs.md)."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional

from pricing.sla_year import FIRST_YEAR, LAST_YEAR

YEAR_LABEL = "SLA year (its start: 2026 means 2026-27)"


class YearJobForm(FlaskForm):
    """rollover, issue_agreements."""

    year = IntegerField(YEAR_LABEL, validators=[InputRequired(), NumberRange(FIRST_YEAR, LAST_YEAR)])
    submit = SubmitField("Start")


class ImportJobForm(YearJobForm):
    file = FileField("Agreements file (CSV or XLSX: urn,service_code,quantity,status[,start_date])",
                     validators=[FileRequired()])


class DocumentsJobForm(YearJobForm):
    group_id = SelectField("Only one group or trust", coerce=str, choices=[("", "Every issued agreement")],
                           validators=[Optional()], validate_choice=False)


class InvoiceRunJobForm(YearJobForm):
    # Labels unlike the runs page's own form beside it, so each field is named once on the page.
    year = IntegerField("Year to invoice (2026 means 2026-27)",
                        validators=[InputRequired(), NumberRange(FIRST_YEAR, LAST_YEAR)])
    term = SelectField("Summer or autumn", choices=[("summer", "Summer"), ("autumn", "Autumn")])
    issue_date = DateField("Date on the invoices", validators=[InputRequired()])
    dry_run = StringField(default="1")  # set by the button pressed: preview (1) or run (0)


class RerunForm(FlaskForm):
    submit = SubmitField("Start it again")


# The runs page has its own year/term/date fields: these are named job-year, ... beside them.
PREFIXES = {"invoice_run": "job"}
FORMS = {"rollover": YearJobForm, "issue_agreements": YearJobForm, "import_agreements": ImportJobForm,
         "agreement_documents": DocumentsJobForm, "invoice_run": InvoiceRunJobForm}


def params_of(kind: str, form: FlaskForm) -> dict:
    """The job's parameters from a validated form."""
    params = {"year": form.year.data}
    if kind == "agreement_documents" and form.group_id.data:
        params["group_id"] = form.group_id.data
    if kind == "invoice_run":
        params.update(term=form.term.data, issue_date=form.issue_date.data.isoformat(),
                      dry_run=form.dry_run.data or "0")
    return params
