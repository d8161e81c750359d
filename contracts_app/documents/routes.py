"""SLA document templates and the filled-in agreement documents (PDF and HTML)."""
from flask import Blueprint

bp = Blueprint("documents", __name__)
