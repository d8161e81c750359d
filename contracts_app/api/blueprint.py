"""The one API blueprint, named ``api`` so the app's login gate leaves it to bearer tokens.

One flask-smorest blueprint holds every API route (each tagged by area in the
document): the gate in ``create_app`` skips requests whose blueprint is exactly
``api``, and nested blueprints would be named ``api.schools``.
"""
from __future__ import annotations

import flask_smorest
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser

from contracts_app.api import errors


class ApiParser(FlaskParser):
    """Bad input is a 400 (webargs' default is 422), answered by ``errors._handle_http``.

    An unknown query parameter is bad input too: a misspelt filter (``?stauts=paid``)
    must not quietly answer with everything.
    """

    DEFAULT_VALIDATION_STATUS = 400
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": RAISE, "querystring": RAISE}


class ApiBlueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = ApiParser()


bp = ApiBlueprint(
    "api", __name__, url_prefix="/api/v1",
    description="School SLA contracts and invoices for ledgers and portals.",
)
errors.register(bp)
