from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from contracts_app.models.user import ROLE_NAMES

ROLE_CHOICES = list(ROLE_NAMES.items())


class UserForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    # No role is chosen for the administrator: the first real choice is Administrator, and
    # leaving the list alone must not make anyone an admin.
    role = SelectField("Role", choices=[("", "Choose a role")] + ROLE_CHOICES, default="",
                       validators=[DataRequired(message="Choose the user's role.")])
    school_urn = IntegerField("School URN (school users)", validators=[Optional()])
    password = PasswordField("Password", validators=[Optional(), Length(min=10)],
                             description="At least 10 characters. Leave empty to keep the current password.")
    active = BooleanField("Active", default=True)
    submit = SubmitField("Save user")


class RevokeForm(FlaskForm):
    submit = SubmitField("Revoke API tokens")
