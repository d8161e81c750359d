from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Keep me signed in on this computer")
    submit = SubmitField("Sign in")


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    # The password rule itself is services.users.check_password_strength (every door calls it).
    new = PasswordField("New password", validators=[InputRequired("Enter the new password.")],
                        description="At least 10 characters, hard to guess: a few unrelated words work well.")
    confirm = PasswordField("Repeat the new password", validators=[EqualTo("new", "The passwords do not match.")])
    submit = SubmitField("Change password")


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email address.")])
    submit = SubmitField("Send me a link")


class ChoosePasswordForm(FlaskForm):
    # The password rule itself is services.users.check_password_strength (every door calls it).
    new = PasswordField("New password", validators=[InputRequired("Enter the new password.")],
                        description="At least 10 characters, hard to guess: a few unrelated words work well.")
    confirm = PasswordField("Repeat the new password", validators=[EqualTo("new", "The passwords do not match.")])
    submit = SubmitField("Save password")


class TokenForm(FlaskForm):
    """Revoking an API token: nothing to fill in, the CSRF token only."""

    submit = SubmitField("Create a token")


class CreateTokenForm(FlaskForm):
    """A new API token: what it is for, and (optionally) the last day it works."""

    name = StringField("What it is for", validators=[Optional(), Length(max=120)],
                       description="e.g. \"finance system invoice import\": shown in the list, so the right one is revoked.")
    expires = DateField("Works until (optional)", validators=[Optional()],
                        description="The last day the token works (up to three years). Empty: until revoked.")
    submit = SubmitField("Create a token")
