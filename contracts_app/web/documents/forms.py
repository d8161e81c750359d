"""Forms for the SLA template pages (Flask-WTF: every form carries a CSRF token)."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired


class TemplateImportForm(FlaskForm):
    file = FileField("SLA template (Markdown)", validators=[FileRequired(), FileAllowed(
        ["md", "markdown", "txt"], "A Markdown file (.md or .txt), please.")])
    submit = SubmitField("Import as a draft")


class TemplateEditForm(FlaskForm):
    markdown = TextAreaField("Template text (Markdown)", validators=[DataRequired()],
                             description="The version, its date and change notice are the last row of the "
                                         "document control table.")
    submit = SubmitField("Save the draft")


class ConfirmForm(FlaskForm):
    submit = SubmitField("Confirm")
