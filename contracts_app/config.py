"""Configuration read from the environment (twelve-factor style)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

ENVIRONMENTS = ("development", "testing", "production")


def _instance_dir() -> Path:
    return Path(os.environ.get("CONTRACTS_INSTANCE", Path.cwd() / "instance")).resolve()


def _development_secret(instance: Path) -> str:
    """A random key kept in instance/ so sessions survive restarts.

    Never a constant in the code: a default secret would be a shared secret.
    """
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url(instance: Path) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'contracts.sqlite3'}"
    # psycopg 3 is the driver we ship; accept the common short forms.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _secret_key(env: str, instance: Path, overrides: dict) -> str:
    secret = os.environ.get("SECRET_KEY") or overrides.get("SECRET_KEY")
    if not secret:
        if env == "production":
            raise RuntimeError("SECRET_KEY must be set when CONTRACTS_ENV=production")
        secret = _development_secret(instance) if env == "development" else secrets.token_hex(32)
    return secret


def _council() -> dict:
    """The council's details and the contacts printed on its documents."""
    return {
        "HOME_LA_CODE": int(os.environ.get("HOME_LA_CODE", "141")),
        "COUNCIL_NAME": os.environ.get("COUNCIL_NAME", "Coventry City Council"),
        "SERVICE_NAME": os.environ.get("SERVICE_NAME", "ICT & Digital"),
        "COUNCIL_ADDRESS": os.environ.get(
            "COUNCIL_ADDRESS", "ICT & Digital, PO Box 15, Council House, Coventry, CV1 5RR"
        ),
        "COUNCIL_PHONE": os.environ.get("COUNCIL_PHONE", "024 7678 6620"),
        "COUNCIL_EMAIL": os.environ.get("COUNCIL_EMAIL", "ictschoolreply@coventry.gov.uk"),
        "COUNCIL_VAT_NUMBER": os.environ.get("COUNCIL_VAT_NUMBER", "GB 123 4567 89"),
        "DEFAULT_ODM": os.environ.get("DEFAULT_ODM", "Operational Delivery Managers (odm@coventry.gov.uk)"),
        # Contacts printed in the SLA document (§5.1, §11.4-11.5).
        "INCIDENT_EMAIL": os.environ.get("INCIDENT_EMAIL", "schoolsict@coventry.gov.uk"),
        "REQUEST_EMAIL": os.environ.get("REQUEST_EMAIL", "schoolsictrequest@coventry.gov.uk"),
        "SLA_QUERIES_PHONE": os.environ.get("SLA_QUERIES_PHONE", "024 7697 5493"),
        "SLA_QUERIES_EMAIL": os.environ.get("SLA_QUERIES_EMAIL", "ictschoolreply@coventry.gov.uk"),
        "ODM_EMAIL": os.environ.get("ODM_EMAIL", "odm@coventry.gov.uk"),
        "HEAD_OF_SERVICE": os.environ.get("HEAD_OF_SERVICE", "the Head of ICT and Digital"),
        "HEAD_OF_SERVICE_EMAIL": os.environ.get("HEAD_OF_SERVICE_EMAIL", "ictschoolreply@coventry.gov.uk"),
        "SCHOOLS_WEBSITE": os.environ.get("SCHOOLS_WEBSITE", "www.coventry.gov.uk/schoolsict"),
        "PAYMENT_TERMS_DAYS": int(os.environ.get("PAYMENT_TERMS_DAYS", "30")),
        "PAYMENT_DETAILS": os.environ.get(
            "PAYMENT_DETAILS",
            "BACS to Coventry City Council, sort code 00-00-00, account 00000000, quoting the invoice number",
        ),
    }


def _web(env: str) -> dict:
    """Paging, cookies and forms."""
    return {
        "PAGE_SIZE": int(os.environ.get("PAGE_SIZE", "50")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1" or env == "production",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "TESTING": env == "testing",
    }


def load_config(overrides: dict | None = None) -> dict:
    """Build the app configuration from the environment, then apply overrides."""
    overrides = dict(overrides or {})
    env = overrides.get("CONTRACTS_ENV") or os.environ.get("CONTRACTS_ENV", "development")
    if env not in ENVIRONMENTS:
        raise RuntimeError(f"CONTRACTS_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    instance = _instance_dir()
    database_url = _database_url(instance)
    secret = _secret_key(env, instance, overrides)
    config = {
        "CONTRACTS_ENV": env,
        "INSTANCE_DIR": str(instance),
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        **_council(),
        **_web(env),
    }
    config.update(overrides)
    return config
