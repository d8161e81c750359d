"""The catalogue and price list forms: a service, a price list upload, one price row."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from contracts_app.models.catalogue import LIST_NAMES

MODEL_CHOICES = [("flat", "Flat annual amount"), ("per_pupil", "Per pupil"), ("banded", "Pupil bands"),
                 ("per_unit", "Per unit"), ("base_plus_per_pupil", "Base plus per pupil")]
VAT_CHOICES = [("S", "S - standard 20%"), ("Z", "Z - zero rated"), ("E", "E - exempt"), ("O", "O - outside scope")]


class ServiceForm(FlaskForm):
    code = StringField("Service code", validators=[DataRequired(), Length(max=40), Regexp(
        r"^[A-Za-z0-9_-]+$", message="Letters, digits, - and _ only.")],
        description="As in the price list, e.g. ADMIN-SUPPORT. Cannot change once used.")
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    category = StringField("Category", validators=[Optional(), Length(max=120)])
    unit = StringField("Unit a quantity counts", validators=[Optional(), Length(max=40)],
                       description="e.g. device, site, hour; leave empty for a whole-school service")
    default_list = SelectField("Default list on an agreement", choices=list(LIST_NAMES.items()))
    description = TextAreaField("Description for the agreement's appendix (§13)", validators=[Optional()])
    submit = SubmitField("Save service")


class PriceImportForm(FlaskForm):
    file = FileField("Price list (CSV or XLSX)", validators=[FileRequired(), FileAllowed(
        ["csv", "xlsx", "txt"], "A CSV or XLSX file, please.")])
    census_basis = SelectField("Pupil numbers from", choices=[
        ("january", "the January census before the SLA year (default)"),
        ("october", "the preceding October census")])
    submit = SubmitField("Import as draft")


class PriceEntryForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    model = SelectField("Price model", choices=MODEL_CHOICES)
    amount = StringField("Amount (£)", validators=[Optional()], description="flat; base of base-plus-per-pupil")
    rate = StringField("Rate (£)", validators=[Optional()], description="per pupil or per unit; up to 4 decimals")
    minimum = StringField("Minimum (£)", validators=[Optional()])
    maximum = StringField("Maximum (£)", validators=[Optional()])
    bands = StringField("Bands", validators=[Optional()], description="e.g. 0-100:1200;101-250:1800;251-:2400")
    unit = StringField("Unit", validators=[Optional(), Length(max=40)])
    vat_code = SelectField("VAT code", choices=VAT_CHOICES)
    submit = SubmitField("Save price")


class ConfirmForm(FlaskForm):
    submit = SubmitField("Confirm")


class PriceCopyForm(FlaskForm):
    """Next year's price list from a year's published one (issue #30); checked by services.price_copy."""

    from_year = StringField("Copy the published list of", validators=[DataRequired(message="Give the year to copy from.")],
                            description="The year it starts, e.g. 2026 for 2026-27")
    to_year = StringField("Into the new year", validators=[DataRequired(message="Give the new year.")],
                          description="It must have no price list yet")
    uplift = StringField("Uplift (%)", validators=[DataRequired(message="Give the uplift, e.g. 3.5 (0 for none).")],
                         description="Every rate, band amount, minimum and maximum rises by this, to the penny; "
                                     "-50 to 100")
    overrides = TextAreaField("Other uplifts for some services", validators=[Optional(), Length(max=4000)],
                              description="One a line as CODE=PERCENT, e.g. SIMS-SUPPORT=0")
    preview = SubmitField("Preview the new prices")
    save = SubmitField("Make the draft")
