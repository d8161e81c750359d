"""The forms that start a job; each kind's fields are its parameters (docs/jobs.md)."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional

from invoices.schedule import usual_issue_date
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
    # Posted by the invoice runs page's one form (the same field names as its own RunForm).
    term = SelectField("Term", choices=[("summer", "Summer"), ("autumn", "Autumn")])
    issue_date = DateField("Issue date", validators=[Optional()])  # blank: the term's usual date
    dry_run = StringField(default="1")  # set by the button pressed: preview (1) or run (0)


class RerunForm(FlaskForm):
    submit = SubmitField("Start it again")


# A kind whose fields sit beside another form's on its page is named prefix-field (none today).
PREFIXES: dict[str, str] = {}
FORMS = {"rollover": YearJobForm, "issue_agreements": YearJobForm, "import_agreements": ImportJobForm,
         "agreement_documents": DocumentsJobForm, "invoice_run": InvoiceRunJobForm}


def params_of(kind: str, form: FlaskForm) -> dict:
    """The job's parameters from a validated form."""
    params = {"year": form.year.data}
    if kind == "agreement_documents" and form.group_id.data:
        params["group_id"] = form.group_id.data
    if kind == "invoice_run":
        issue_date = form.issue_date.data or usual_issue_date(form.year.data, form.term.data)
        params.update(term=form.term.data, issue_date=issue_date.isoformat(),
                      dry_run=form.dry_run.data or "0")
    return params
