"""The school SLA contracts application."""
from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from flask import Flask, Response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm import Session

from pricing.census import parse_census_label
from pricing.money import format_gbp
from pricing.sla_year import LONDON

from contracts_app.config import load_config
from contracts_app.extensions import csrf, db, limiter, login_manager, mail, migrate

# The app's parts (models, services, pages, API, commands) are imported inside create_app:
# every import of a contracts_app module runs this file first, and loading a model or a
# service must not load every page and command with it.

# The password links sent by email (issue #18) are opened by people not signed in.
# /healthz and /readyz (issue #33) are asked by load balancers, which never sign in.
PUBLIC_ENDPOINTS = {"auth.login", "static", "auth.forgot_password", "auth.reset_password", "auth.set_password",
                    "health.healthz", "health.readyz"}


def create_app(config: dict | None = None) -> Flask:
    """Build the application; nothing happens at import time."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_mapping(load_config(config))
    logging.basicConfig(level=logging.INFO)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    _init_login(app)
    csrf.init_app(app)

    from contracts_app import models  # noqa: F401 - register the tables
    from contracts_app.services import audit
    from contracts_app.services.invoicing import balances as invoicing
    from contracts_app.services.invoicing import payments as payment_service

    audit.install(Session)
    invoicing.install(Session)
    _install_email(app)
    payment_service.install(Session)  # a recorded payment is reversed, never changed

    _register_blueprints(app)
    _register_errors(app)
    _register_template_helpers(app)

    from contracts_app.cli import register_commands

    register_commands(app)

    @app.before_request
    def require_login() -> Response | None:
        """Send anyone not signed in to the login page."""
        # Every page needs a signed-in user, except the login page itself.
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if request.blueprint == "api":
            return None  # the API authenticates with bearer tokens
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None

    @app.after_request
    def security_headers(response: Response) -> Response:
        """The headers every response carries (no sniffing, no framing, same-site only)."""
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'"
        )
        return response

    return app


def _init_login(app: Flask) -> None:
    """Sessions (Flask-Login, checking the user's session version) and sign-in throttling."""
    from contracts_app.services import rate_limits  # noqa: F401 - registers the database:// limiter storage
    from contracts_app.services import users as user_service

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.session_protection = "strong"
    limiter.init_app(app)  # only the sign-in form is limited (web/auth/routes.py)

    @login_manager.user_loader
    def load_user(session_id: str):
        """The session's (or remember-me cookie's) user, while active and the session is current."""
        return user_service.user_for_session(session_id)


def _install_email(app: Flask) -> None:
    """Email (issue #18): Flask-Mail, the send scheduled after a commit that queued messages,
    and the emails that go with invoices, agreements, estimates and notices."""
    from contracts_app.services.outbox import hooks as outbox_hooks, queueing as outbox_queueing

    mail.init_app(app)
    outbox_queueing.install(Session)
    outbox_hooks.install(app)


def _migrations_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "migrations"


def _register_blueprints(app: Flask) -> None:
    from contracts_app.web.args import BoundedInt

    # Before any route is added: every <int:...> id is bounded by the database's integers.
    app.url_map.converters["int"] = BoundedInt

    from contracts_app.api import init_api
    from contracts_app.web.adhoc.routes import bp as adhoc_bp
    from contracts_app.web.admin.routes import bp as admin_bp
    from contracts_app.web.agreements.routes import bp as agreements_bp
    from contracts_app.web.auth.routes import bp as auth_bp
    from contracts_app.web.catalogue.routes import bp as catalogue_bp
    from contracts_app.web.census.routes import bp as census_bp
    from contracts_app.web.documents.routes import bp as documents_bp
    from contracts_app.web.health.routes import bp as health_bp
    from contracts_app.web.invoicing.routes import bp as invoicing_bp
    from contracts_app.web.jobs.routes import bp as jobs_bp
    from contracts_app.web.main.routes import bp as main_bp
    from contracts_app.web.outbox.routes import bp as outbox_bp
    from contracts_app.web.pickers.routes import bp as pickers_bp
    from contracts_app.web.portal.routes import bp as portal_bp
    from contracts_app.web.servicedesk.routes import bp as reports_bp
    from contracts_app.web.rounds.routes import bp as rounds_bp
    from contracts_app.web.schools.routes import bp as schools_bp
    from contracts_app.web.trusts.routes import bp as trusts_bp

    for bp in (auth_bp, main_bp, schools_bp, census_bp, catalogue_bp, agreements_bp, invoicing_bp, adhoc_bp,
               reports_bp, documents_bp, admin_bp, portal_bp, jobs_bp, outbox_bp, rounds_bp, health_bp, trusts_bp,
               pickers_bp):
        app.register_blueprint(bp)
    init_api(app)


def _register_errors(app: Flask) -> None:
    def page(code: int, title: str, message: str) -> tuple[str, int]:
        """The HTML error page."""
        return render_template("errors/error.html", code=code, title=title, message=message), code

    app.register_error_handler(403, lambda e: page(403, "Not allowed", "Your role does not give access to this page."))
    app.register_error_handler(404, lambda e: page(404, "Not found", "There is nothing at this address."))
    app.register_error_handler(405, lambda e: page(405, "Not allowed", "That action is not available here."))
    app.register_error_handler(
        CSRFError, lambda e: page(400, "Form expired", "The form was out of date. Go back, reload the page and try again.")
    )
    app.register_error_handler(400, lambda e: page(400, "Bad request", getattr(e, "description", "Bad request")))
    from contracts_app.services.bounds import too_large_message
    from contracts_app.services.transactions import discard_changes

    app.register_error_handler(413, lambda e: page(413, "Too large", too_large_message(app.config["MAX_CONTENT_LENGTH"])))

    def server_error(e: Exception) -> tuple[str, int]:
        """The 500 page, after a rollback: a failed statement leaves the session unusable, and
        the page itself (its navigation, the signed-in user) must not fail with PendingRollbackError."""
        discard_changes()
        return page(500, "Something went wrong", "The error has been logged.")

    app.register_error_handler(500, server_error)


def _register_template_helpers(app: Flask) -> None:
    @app.template_filter("gbp")
    def gbp(value: Decimal | None) -> str:
        """Pounds and pence: £1,277.20."""
        return "" if value is None else format_gbp(value)

    @app.template_filter("qty")
    def qty(value: Decimal | None) -> str:
        """A quantity without trailing zeros or exponent: 40, 2.5."""
        return "" if value is None else format(value.normalize(), "f")

    @app.template_filter("census_name")
    def census_name(label: str | None) -> str:
        """A census label in words."""
        return "" if not label else parse_census_label(label).description

    @app.template_filter("london")
    def london(value: datetime | None, fmt: str = "%d %b %Y %H:%M") -> str:
        """A stored (UTC) time as London's clock shows it."""
        return "" if value is None else value.astimezone(LONDON).strftime(fmt)

    @app.template_filter("longdate")
    def longdate(value: date | None) -> str:
        """10 May 2025."""
        return "" if value is None else f"{value.day} {value:%B %Y}"

    @app.context_processor
    def inject_globals() -> dict:
        """What every template may use: the council's names and which pages exist."""
        from contracts_app.web.nav import nav_here

        return {
            "council_name": app.config["COUNCIL_NAME"],
            "service_name": app.config["SERVICE_NAME"],
            # Navigation shows an area only once its pages exist.
            "has_endpoint": lambda name: name in app.view_functions,
            # The one nav item (endpoint, text) marked as the page one is on.
            "nav_here": nav_here,
        }
