"""Forms for the SLA template pages (Flask-WTF: every form carries a CSRF token)."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired

from documents.service_levels import LEVEL_FIELDS
from documents.versions import APPLIES_TO

_APPLIES = [(value, label.capitalize()) for value, label in APPLIES_TO.items()]


class TemplateImportForm(FlaskForm):
    file = FileField("SLA template (Markdown)", validators=[FileRequired(), FileAllowed(
        ["md", "markdown", "txt"], "A Markdown file (.md or .txt), please.")])
    applies_to = SelectField("Issued on agreements of", choices=_APPLIES, default="all")
    submit = SubmitField("Import as a draft")


class ServiceLevelsForm(FlaskForm):
    """§6.2, §7.2 and §11.1 as the version states them (the checks are the domain's)."""

    p1 = StringField(LEVEL_FIELDS["p1"])
    p2 = StringField(LEVEL_FIELDS["p2"])
    p3 = StringField(LEVEL_FIELDS["p3"])
    p4 = StringField(LEVEL_FIELDS["p4"])
    standard = StringField(LEVEL_FIELDS["standard"])
    project = StringField(LEVEL_FIELDS["project"])
    resolved_percent = StringField(LEVEL_FIELDS["resolved_percent"])
    calls_percent = StringField(LEVEL_FIELDS["calls_percent"])
    calls_seconds = StringField(LEVEL_FIELDS["calls_seconds"])
    emails_percent = StringField(LEVEL_FIELDS["emails_percent"])
    emails_days = StringField(LEVEL_FIELDS["emails_days"])
    applies_to = SelectField("Issued on agreements of", choices=_APPLIES)
    submit = SubmitField("Save the service levels")

    def values(self) -> dict[str, str]:
        """The figures as typed, by field name."""
        return {name: (getattr(self, name).data or "").strip() for name in LEVEL_FIELDS}


class CorrectionForm(FlaskForm):
    """Why a published version's service levels need a new version (its document control row)."""

    why = StringField("Why they need correcting", description="The new version's change notice in its document "
                                                              "control row, e.g. 'P1 target corrected to 0 - 2 hours'.")
    submit = SubmitField("Make a new version to correct them")


class TemplateEditForm(FlaskForm):
    markdown = TextAreaField("Template text (Markdown)", validators=[DataRequired()],
                             description="The version, its date and change notice are the last row of the "
                                         "document control table.")
    submit = SubmitField("Save the draft")


class ConfirmForm(FlaskForm):
    submit = SubmitField("Confirm")
