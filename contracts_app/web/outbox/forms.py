"""The outbox page's one form: send a failed message again."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField


class RetryForm(FlaskForm):
    submit = SubmitField("Send again")
