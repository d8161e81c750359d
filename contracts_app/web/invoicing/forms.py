from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from pricing.sla_year import FIRST_YEAR, LAST_YEAR


class RunForm(FlaskForm):
    year = IntegerField("SLA year (its start: 2026 means 2026-27)", validators=[InputRequired(), NumberRange(FIRST_YEAR, LAST_YEAR)])
    term = SelectField("Term", choices=[("summer", "Summer"), ("autumn", "Autumn")])
    issue_date = DateField("Issue date", validators=[InputRequired()])
    submit = SubmitField("Issue the invoices")


class PaymentForm(FlaskForm):
    amount = DecimalField("Amount (£)", places=2, validators=[InputRequired(), NumberRange(min=0.01)])
    paid_on = DateField("Date received", validators=[InputRequired()])
    reference = StringField("Reference", validators=[Optional(), Length(max=120)])
    submit = SubmitField("Record payment")


class CreditForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[DataRequired(), Length(max=1000)])
    issue_date = DateField("Issue date", validators=[InputRequired()])
    submit = SubmitField("Issue credit note")
