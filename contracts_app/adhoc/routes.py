"""Ad hoc work: requests, estimates, authorisation, time and charging (SLA §2.6, §7.2-7.4, §9.4-9.5)."""
from flask import Blueprint

bp = Blueprint("adhoc", __name__, url_prefix="/adhoc")
