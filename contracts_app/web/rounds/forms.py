"""Forms of the buying round's pages (the basket's lines are read by services.rounds.basket)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField, \
    TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from contracts_app.services.rounds.acceptance import AUTHORISED_TEXT


class OpenRoundForm(FlaskForm):
    year = IntegerField("SLA year (by its start)", validators=[DataRequired()])
    opens_on = DateField("Opens on", validators=[DataRequired()])
    closes_on = DateField("Closes on", validators=[DataRequired()])
    default_action = SelectField("Schools that do not answer", choices=[
        ("renew", "Renew: this year's agreement, re-priced"), ("lapse", "Lapse: no agreement")])
    approval = SelectField("Accepted baskets", choices=[
        ("immediate", "Issued at once"), ("approval", "Wait for the SLA team's approval")])
    submit = SubmitField("Open the round")


class RemindForm(FlaskForm):
    # The offer to remind is read from the posted offer_id (none: every school not answered).
    submit = SubmitField("Remind")


class ActionForm(FlaskForm):
    submit = SubmitField("Go")


class AcceptForm(FlaskForm):
    full_name = StringField("Your full name", validators=[DataRequired("Type your full name."), Length(max=200)])
    job_title = StringField("Job title", validators=[DataRequired("Type your job title."), Length(max=200)])
    authorised = BooleanField(AUTHORISED_TEXT, validators=[DataRequired("Tick that you are authorised.")])
    submit = SubmitField("Accept the agreement")


class DeclineForm(FlaskForm):
    reason = TextAreaField("Why the school declines", validators=[DataRequired("Give a reason."), Length(max=2000)])
    submit = SubmitField("Decline the offer")


class BasketDetailsForm(FlaskForm):
    po_number = StringField("Purchase-order number", validators=[Optional(), Length(max=60)])
    invoice_contact = StringField("Invoices to (name)", validators=[Optional(), Length(max=200)])
    invoice_email = StringField("Invoices to (email)", validators=[Optional(), Length(max=254)])
    agreement_contact = StringField("Agreement to (name)", validators=[Optional(), Length(max=200)])
    agreement_email = StringField("Agreement to (email)", validators=[Optional(), Length(max=254)])
    update = SubmitField("Save the basket")
