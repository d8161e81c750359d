"""The trust pages' forms: details and billing, a contact, a membership override."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from contracts_app.web.pickers.fields import SchoolField
from contracts_app.web.validators import OneLine


class DetailsForm(FlaskForm):
    companies_house_number = StringField("Companies House number", validators=[Optional(), Length(max=8), OneLine()])
    street = StringField("Street", validators=[Optional(), Length(max=200), OneLine()])
    town = StringField("Town", validators=[Optional(), Length(max=120), OneLine()])
    postcode = StringField("Postcode", validators=[Optional(), Length(max=12), OneLine()])
    billing = RadioField("Billing", choices=[("per_academy", "One invoice per academy, addressed to the trust"),
                                            ("consolidated", "One consolidated invoice per run")],
                         default="per_academy", validators=[DataRequired()])
    submit = SubmitField("Save details")


class ContactForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200), OneLine()])
    role = StringField("Role", validators=[DataRequired(), Length(max=120), OneLine()],
                       description="e.g. Chief Financial Officer, CEO")
    email = EmailField("Email", validators=[Optional(), Email(), Length(max=254)])
    phone = StringField("Phone", validators=[Optional(), Length(max=40),
                                             Regexp(r"^[0-9 +()-]+$", message="Use digits, spaces and + ( ) - only.")])
    finance = BooleanField("Finance: receives the trust's invoices", default=True)
    signatory = BooleanField("Signatory: commits the trust's spending", default=False)
    submit = SubmitField("Add contact")


class OverrideForm(FlaskForm):
    urn = SchoolField("Academy (its name, URN or postcode)", validators=[DataRequired(), NumberRange(min=1, max=2_147_483_647)])
    trust_code = StringField("Trust code (empty: in no trust)", validators=[Optional(), Length(max=20), OneLine()])
    on = DateField("From", validators=[DataRequired(message="Enter the date the membership changes.")])
    reason = StringField("Reason", validators=[DataRequired(), Length(max=500), OneLine()])
    submit = SubmitField("Override membership")


class DeleteForm(FlaskForm):
    submit = SubmitField("Remove")
