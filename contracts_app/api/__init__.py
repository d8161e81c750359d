"""The JSON API under /api/v1 (token-authenticated), with its OpenAPI document.

flask-smorest generates the OpenAPI 3 document from the routes and marshmallow
schemas (the ``schemas`` package); ``docs.py`` serves it at /api/v1/openapi.json and as a
documentation page at /api/v1/docs, both rendered here with no CDN.
"""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from contracts_app.api.blueprint import bp
from contracts_app.api.errors import install_routing_errors
from contracts_app.api.schemas.common import ErrorSchema, Money, Rate
from contracts_app.extensions import csrf

API_VERSION = "1.0"
DESCRIPTION = """\
The school SLA contracts and invoicing system for ledgers and portals.

Every request carries `Authorization: Bearer TOKEN`; an administrator makes tokens
with `flask --app contracts_app users token EMAIL` and revokes them with
`users revoke-tokens EMAIL`. The token's user has the same role and sees the same
data as on the pages: a school user sees only its own school (or group), and
another school's invoice or agreement is 404. Money is a string with two decimals
("1277.20"); dates are ISO 8601. Errors are `{"error": code, "detail": sentence}`
with 400 bad input (with `fields`), 401 no or bad token, 403 wrong role,
404 not found (or not yours) and 409 when the rules refuse the action.
"""


class ContractsApi(Api):
    """flask-smorest's Api with our error body, and no app-wide error handler.

    flask-smorest registers a JSON handler for every HTTPException on the whole app;
    the web pages keep their HTML errors, so the API's handlers live on its blueprint.
    """

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        pass


def init_api(app: Flask) -> None:
    """Register the API on the app: routes, security scheme, JSON errors, CSRF exemption."""
    # Imported here for their routes (each adds its own to the blueprint), so that importing
    # one API module, such as a schema, does not load every route.
    from contracts_app.api import agreements, docs, invoices, prices, schools  # noqa: F401
    from contracts_app.api import jobs  # noqa: F401
    from contracts_app.api import rounds  # noqa: F401
    from contracts_app.api import register  # noqa: F401
    from contracts_app.api import trusts  # noqa: F401
    from contracts_app.api import trust_statements  # noqa: F401
    from contracts_app.api.docs import FrontServerAnswers

    api = ContractsApi(app, spec_kwargs={
        "title": "School SLA contracts API", "version": API_VERSION, "openapi_version": "3.0.3",
        "info": {"description": DESCRIPTION},
        "security": [{"bearerAuth": []}],
        "extra_plugins": [FrontServerAnswers()],  # gunicorn's 414 on every operation
    })
    for field in (Money, Rate):  # decimals as strings, never JSON numbers
        api.register_field(field, "string", None)
    api.spec.components.schemas.pop("PaginationMetadata", None)  # flask-smorest's header paging: unused
    api.spec.components.security_scheme("bearerAuth", {
        "type": "http", "scheme": "bearer",
        "description": "A token from `flask --app contracts_app users token EMAIL`."})
    api.register_blueprint(bp)
    csrf.exempt(bp)  # token-authenticated: no cookies, so no cross-site forgery to guard against
    install_routing_errors(app)
    app.extensions["contracts_api"] = api
