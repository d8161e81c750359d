"""Form validators every page shares; the rules themselves are pricing.text's (one per rule, issue #27)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import ValidationError

from pricing.text import control_problem, one_line_problem


class OneLine:
    """A name, a reference or anything that may become an email's subject: one line, no control characters."""

    def __call__(self, form: FlaskForm, field: Field) -> None:
        problem = one_line_problem(field.data or "")
        if problem:
            raise ValidationError(f"{field.label.text} {problem}.")


class PlainText:
    """Several lines are fine (a description, a note); NUL and other control characters are not."""

    def __call__(self, form: FlaskForm, field: Field) -> None:
        problem = control_problem(field.data or "")
        if problem:
            raise ValidationError(f"{field.label.text} {problem}.")
