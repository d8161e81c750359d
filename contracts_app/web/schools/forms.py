"""The school pages' forms: key stakeholders, the customer type override, the GIAS upload."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, EmailField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from contracts_app.web.validators import OneLine


class StakeholderForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200), OneLine()])
    role = StringField("Role", validators=[DataRequired(), Length(max=120), OneLine()],
                       description="e.g. Headteacher, School Business Manager, Data Manager")
    email = EmailField("Email", validators=[Optional(), Email(), Length(max=254)])
    phone = StringField("Phone", validators=[Optional(), Length(max=40),
                                             Regexp(r"^[0-9 +()-]+$", message="Use digits, spaces and + ( ) - only.")])
    # Which emails this contact receives (issue #18); sent to the address above.
    invoices = BooleanField("Invoices and credit notes", default=True)
    agreements = BooleanField("Agreements (the filled-in SLA)", default=True)
    notices = BooleanField("Service notices (estimates, notices of cancellation, reminders)", default=True)
    submit = SubmitField("Save contact")


class CustomerTypeForm(FlaskForm):
    override = RadioField(
        "Customer type",
        choices=[("", "As derived from GIAS"), ("maintained", "Maintained school"),
                 ("academy", "Academy / free school")],
        validators=[Optional()],
    )
    reason = TextAreaField("Reason for the override", validators=[Length(max=1000)])
    submit = SubmitField("Save customer type")

    def validate(self, extra_validators: dict | None = None) -> bool:
        """The usual checks, and a reason whenever the type is overridden."""
        if not super().validate(extra_validators):
            return False
        if self.override.data and not (self.reason.data or "").strip():
            self.reason.errors.append("Say why the type is overridden (it is audited).")
            return False
        return True


class ImportForm(FlaskForm):
    file = FileField("GIAS extract (CSV)", validators=[FileRequired(), FileAllowed(["csv", "txt"], "A CSV file, please.")])
    submit = SubmitField("Import schools")


class LinksImportForm(FlaskForm):
    file = FileField("GIAS links file (CSV)", validators=[FileRequired(), FileAllowed(["csv", "txt"], "A CSV file, please.")])
    submit = SubmitField("Import links")


class DeleteForm(FlaskForm):
    submit = SubmitField("Remove")
