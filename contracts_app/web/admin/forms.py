from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from contracts_app.models.user import ROLE_NAMES
from contracts_app.web.pickers.fields import SchoolField, TrustField
from contracts_app.web.validators import OneLine

ROLE_CHOICES = list(ROLE_NAMES.items())


class UserForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    name = StringField("Name", validators=[Optional(), Length(max=200), OneLine()])
    # No role is chosen for the administrator: the first real choice is Administrator, and
    # leaving the list alone must not make anyone an admin.
    role = SelectField("Role", choices=[("", "Choose a role")] + ROLE_CHOICES, default="",
                       validators=[DataRequired(message="Choose the user's role.")])
    school_urn = SchoolField("School (school users: type part of its name, URN or postcode)", validators=[Optional()])
    trust_code = TrustField("Trust (a school user who sees every academy of the trust: its name or GIAS code)",
                             validators=[Optional(), Length(max=20), OneLine()])
    # The password rule itself is services.users.check_password_strength (every door calls it).
    password = PasswordField("Password", validators=[Optional()],
                             description="At least 10 characters and hard to guess. A new user: leave it "
                                         "empty to invite them by email to choose their own. "
                                         "Leave empty to keep the current password.")
    active = BooleanField("Active", default=True)
    signatory = BooleanField("Signatory: authorised to commit the school's spending (accepts offers)",
                             default=False)
    submit = SubmitField("Save user")


class RevokeForm(FlaskForm):
    submit = SubmitField("Revoke API tokens")
