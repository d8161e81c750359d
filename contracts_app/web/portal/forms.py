"""The portal's forms: a trust signatory accepting its academies' offers (issue #29)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

TRUST_AUTHORISED = "I am authorised to commit this spend on behalf of the trust, for each academy accepted"


class TrustAcceptForm(FlaskForm):
    # The offers chosen are the posted "offer" checkboxes (read by the view); "all" takes every one listed.
    full_name = StringField("Your full name", validators=[DataRequired("Type your full name."), Length(max=200)])
    job_title = StringField("Job title", validators=[DataRequired("Type your job title."), Length(max=200)])
    authorised = BooleanField(TRUST_AUTHORISED, validators=[DataRequired("Tick that you are authorised.")])
    accept_chosen = SubmitField("Accept the ticked offers")
    accept_all = SubmitField("Accept every offer")
