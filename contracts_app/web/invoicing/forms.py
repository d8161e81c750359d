from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from invoices import bounds
from pricing.errors import ActionRefused
from pricing.sla_year import FIRST_YEAR, LAST_YEAR


def pounds_and_pence(form: FlaskForm, field: DecimalField) -> None:
    """invoices.bounds.amount, the one amount check: NaN, Infinity, 1e400, 0.001 and -5 are refused."""
    try:
        bounds.amount(field.data, "the amount")
    except ActionRefused as exc:
        raise ValidationError(exc.message) from None


class RunForm(FlaskForm):
    year = IntegerField("SLA year (its start: 2026 means 2026-27)", validators=[InputRequired(), NumberRange(FIRST_YEAR, LAST_YEAR)])
    term = SelectField("Term", choices=[("summer", "Summer"), ("autumn", "Autumn")])
    # Blank: the term's usual date (invoices.schedule.usual_issue_date).
    issue_date = DateField("Issue date", validators=[Optional()],
                           description="Usually the first day the term's invoices cover: 1 April for summer, "
                                       "1 September for autumn. Left blank, that date is used.")
    submit = SubmitField("Issue the invoices")


class PaymentForm(FlaskForm):
    amount = DecimalField("Amount (£)", places=2, validators=[InputRequired(), pounds_and_pence])
    paid_on = DateField("Date received", validators=[InputRequired()])
    reference = StringField("Reference", validators=[Optional(), Length(max=120)])
    submit = SubmitField("Record payment")


class CreditForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[DataRequired(), Length(max=1000)])
    issue_date = DateField("Issue date", validators=[InputRequired()])
    submit = SubmitField("Issue credit note")


class ReverseForm(FlaskForm):
    reason = TextAreaField("Why it is reversed", validators=[DataRequired(), Length(max=500)])
    reversed_on = DateField("Date of the reversal", validators=[InputRequired()])
    submit = SubmitField("Reverse payment")


class PaymentsImportForm(FlaskForm):
    file = FileField("Bank or remittance file (CSV or XLSX)", validators=[
        FileRequired(), FileAllowed(["csv", "xlsx", "txt"], "A CSV or XLSX file, please.")])
    submit = SubmitField("Import payments")


class EInvoiceZipForm(FlaskForm):
    """Every e-invoice of the chosen run as a ZIP (a background job)."""

    submit = SubmitField("Every e-invoice of this run as a ZIP")
