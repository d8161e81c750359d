"""SLA performance reports from the service desk's ticket log (§5-7, §11.1)."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
