"""The agreement pages' forms: a new draft, its details, mid-year changes, notice and charges."""
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DecimalField, EmailField, HiddenField, IntegerField, RadioField,
                     SelectField, StringField, SubmitField, TextAreaField)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from contracts_app.web.pickers.fields import SchoolField
from pricing.sla_year import FIRST_YEAR, LAST_YEAR

VAT_CHOICES = [("S", "S - standard 20%"), ("Z", "Z - zero rated"), ("E", "E - exempt"), ("O", "O - outside scope")]


class NewAgreementForm(FlaskForm):
    urn = SchoolField("School (type part of its name, its URN or its postcode)", validators=[Optional()])
    group = SelectField("or a group of schools", coerce=str, validators=[Optional()])
    year = IntegerField("SLA year (its start: 2026 means 2026-27)", validators=[InputRequired(), NumberRange(FIRST_YEAR, LAST_YEAR)])
    from_catalogue = BooleanField("Start from the catalogue's default lists", default=True)
    submit = SubmitField("Create draft agreement")


class DetailsForm(FlaskForm):
    term_start = DateField("Term starts", validators=[InputRequired()])
    term_end = DateField("Term ends", validators=[InputRequired()])
    odm_name = StringField("Operational Delivery Manager (§10.1)", validators=[Optional(), Length(max=200)])
    odm_email = EmailField("ODM email", validators=[Optional(), Email(), Length(max=254)])
    po_number = StringField("School's purchase-order number", validators=[Optional(), Length(max=60)])
    notes = TextAreaField("Notes", validators=[Optional()])
    submit = SubmitField("Save details")


class ChangeForm(FlaskForm):
    action = RadioField("Change", choices=[("add", "Add a service"), ("remove", "Remove a service")],
                        validators=[InputRequired()])
    service = SelectField("Service", validators=[DataRequired()])
    quantity = DecimalField("Quantity (when adding)", default=1, validators=[Optional(), NumberRange(min=0.01)])
    from_date = DateField("From", validators=[InputRequired()])
    submit = SubmitField("Make the change")


class NoticeForm(FlaskForm):
    given_by = SelectField("Notice given by", choices=[("school", "The school"), ("council", "The council")])
    notice_date = DateField("Date the written notice was given", validators=[InputRequired()])
    requested_date = DateField("Cancellation date the notice asks for (optional)", validators=[Optional()],
                               description="At least 90 days after the notice (§2.4 b); leave empty for 90 days.")
    fundamental_breach = BooleanField("The council cancels for the school's fundamental breach (§2.4 c)")
    reason = TextAreaField("Reason", validators=[Optional(), Length(max=2000)])
    # Empty: show what the notice does and ask; "yes": the person has seen that and confirms.
    confirmed = HiddenField()
    submit = SubmitField("Review the notice")


class ChargeForm(FlaskForm):
    description = StringField("Description", validators=[DataRequired(), Length(max=500)],
                              description="e.g. SIMS and FMS licence costs on cancellation (§2.5 e)")
    amount = DecimalField("Amount (£, before VAT)", places=2, validators=[InputRequired(), NumberRange(min=0.01)])
    vat_code = SelectField("VAT code", choices=VAT_CHOICES)
    submit = SubmitField("Add the charge")


class ConfirmForm(FlaskForm):
    submit = SubmitField("Confirm")
