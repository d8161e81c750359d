"""The census pages' forms: the import upload and a missing school's manual figure."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from pricing.census import MAX_PUPILS, MIN_PUPILS


class CensusImportForm(FlaskForm):
    file = FileField("Census file (CSV: urn,census,pupils)", validators=[FileRequired()])
    submit = SubmitField("Import census figures")


class OverrideForm(FlaskForm):
    urn = HiddenField(validators=[DataRequired()])
    census = HiddenField(validators=[DataRequired()])
    pupils = IntegerField("Pupils", validators=[InputRequired(message="Give the number of pupils."), NumberRange(
        min=MIN_PUPILS, max=MAX_PUPILS, message=f"Pupils must be a whole number from {MIN_PUPILS} to {MAX_PUPILS}.")])
    note = StringField("Why", validators=[DataRequired(message="Say where the figure comes from."),
                                          Length(max=500)],
                       description="e.g. new school: 60 pupils per admissions")
    submit = SubmitField("Save figure")
