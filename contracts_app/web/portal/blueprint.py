"""The portal's blueprint, shared by the school's home page (``routes``) and a trust user's round
page (``trust``)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/portal")
