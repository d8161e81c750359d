"""Configuration read from the environment (twelve-factor style)."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

ENVIRONMENTS = ("development", "testing", "production")


def _instance_dir() -> Path:
    return Path(os.environ.get("CONTRACTS_INSTANCE", Path.cwd() / "instance")).resolve()


def instance_dir() -> Path:
    """The instance folder (CONTRACTS_INSTANCE, default ./instance), for code that runs without an app."""
    return _instance_dir()


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
        # Issue #28: a conversion credits the predecessor's months after its end (§2.7) unless
        # the council keeps the term owed (§2.5 d): CONVERSION_CREDIT=false.
        "CONVERSION_CREDIT": os.environ.get("CONVERSION_CREDIT", "true").strip().lower()
        not in ("0", "false", "no", "off"),
        "PAYMENT_DETAILS": os.environ.get(
            "PAYMENT_DETAILS",
            "BACS to Coventry City Council, sort code 00-00-00, account 00000000, quoting the invoice number",
        ),
    }


def _einvoice() -> dict:
    """What an e-invoice needs beyond the PDF (issue #32, docs/einvoices.md): the council's address
    in parts, its bank account, electronic addresses, and where the official rules are."""
    return {
        "COUNCIL_STREET": os.environ.get("COUNCIL_STREET", "PO Box 15, Council House"),
        "COUNCIL_TOWN": os.environ.get("COUNCIL_TOWN", "Coventry"),
        "COUNCIL_POSTCODE": os.environ.get("COUNCIL_POSTCODE", "CV1 5RR"),
        "COUNCIL_COUNTRY": os.environ.get("COUNCIL_COUNTRY", "GB"),
        "COUNCIL_BANK_ACCOUNT": os.environ.get("COUNCIL_BANK_ACCOUNT", "00000000"),
        "COUNCIL_BANK_SORT_CODE": os.environ.get("COUNCIL_BANK_SORT_CODE", "00-00-00"),
        "COUNCIL_BANK_ACCOUNT_NAME": os.environ.get("COUNCIL_BANK_ACCOUNT_NAME", ""),
        # "scheme:identifier"; empty: the VAT number under EAS 9932 (UK VAT number).
        "EINVOICE_SELLER_ENDPOINT": os.environ.get("EINVOICE_SELLER_ENDPOINT", ""),
        # The EAS scheme under which schools are addressed by URN; the register holds no Peppol
        # IDs, so there is no default: an e-invoice names it as missing rather than guess one.
        "EINVOICE_BUYER_SCHEME": os.environ.get("EINVOICE_BUYER_SCHEME", ""),
        # A folder laid out as ../shared/einvoice (xslt/, ubl-2.1-xsd/): the official rules.
        "EINVOICE_RULES_DIR": os.environ.get("EINVOICE_RULES_DIR", ""),
        "EINVOICE_XSD_DIR": os.environ.get("EINVOICE_XSD_DIR", ""),
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
        "REMEMBER_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1" or env == "production",
        "WTF_CSRF_TIME_LIMIT": None,
        "TESTING": env == "testing",
    }


def _jobs(instance: Path) -> dict:
    """Background jobs (docs/jobs.md): where result files go, how long they are kept, the queue."""
    return {
        "JOBS_DIR": os.environ.get("JOBS_DIR") or str(instance / "jobs"),
        "JOB_RESULT_DAYS": int(os.environ.get("JOB_RESULT_DAYS", "7")),
        # Items per share of a bulk job that any consumer takes (services/jobs/chunks.py; issue #33).
        "JOB_CHUNK_SIZE": int(os.environ.get("JOB_CHUNK_SIZE", "25")),
        # A running job's heartbeat older than this: its consumer died, and the job is resumed.
        "JOB_STALE_SECONDS": float(os.environ.get("JOB_STALE_SECONDS", "60")),
        # How often each consumer writes its own heartbeat (the admin home's "consumers seen").
        "JOB_HEARTBEAT_SECONDS": float(os.environ.get("JOB_HEARTBEAT_SECONDS", "15")),
        # How often every consumer looks for jobs whose consumer died (and resumes them).
        "JOB_RECOVER_SECONDS": float(os.environ.get("JOB_RECOVER_SECONDS", "60")),
        # Agreements per invoice-run batch (one transaction each, its invoices' emails with them).
        "INVOICE_RUN_BATCH": int(os.environ.get("INVOICE_RUN_BATCH", "0")),  # 0: the run's own (500)
        # The queue itself is chosen in contracts_app/queue.py from the same variable.
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
    }


MAX_REMEMBER_DAYS = 30


def _auth() -> dict:
    """Signing in: how long "keep me signed in" lasts and how often one may try (issue #16)."""
    raw = os.environ.get("REMEMBER_DAYS", str(MAX_REMEMBER_DAYS)).strip()
    days = int(raw) if raw.isascii() and raw.isdigit() else 0
    if not 1 <= days <= MAX_REMEMBER_DAYS:
        raise RuntimeError(f"REMEMBER_DAYS must be a whole number of days between 1 and {MAX_REMEMBER_DAYS}, not {raw!r}")
    redis_url = os.environ.get("REDIS_URL")
    return {
        "REMEMBER_COOKIE_DURATION": timedelta(days=days),
        # Login throttling (Flask-Limiter). Every worker must see the same counts: Redis with
        # REDIS_URL, else the app's own database (database://, services/rate_limits.py).
        "RATELIMIT_ENABLED": os.environ.get("LOGIN_THROTTLE", "1") == "1",
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or redis_url or "database://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_LIMIT_ACCOUNT": os.environ.get("LOGIN_LIMIT_ACCOUNT", "5/minute;20/hour"),
        "LOGIN_LIMIT_ADDRESS": os.environ.get("LOGIN_LIMIT_ADDRESS", "50/hour"),
    }


def _mail(instance: Path) -> dict:
    """Email (issue #18): SMTP via MAIL_*; without MAIL_SERVER messages wait in the outbox."""
    def flag(name: str) -> bool:
        return os.environ.get(name, "0").lower() in ("1", "true", "yes")

    return {
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": flag("MAIL_USE_TLS"),
        "MAIL_USE_SSL": flag("MAIL_USE_SSL"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER")
        or os.environ.get("COUNCIL_EMAIL", "ictschoolreply@coventry.gov.uk"),
        "MAIL_TIMEOUT": float(os.environ.get("MAIL_TIMEOUT", "30")),
        # Flask-Mail would otherwise suppress sending whenever TESTING is set.
        "MAIL_SUPPRESS_SEND": False,
        "OUTBOX_FOLDER": os.environ.get("OUTBOX_FOLDER", str(instance / "outbox")),
        # Minutes before the 2nd, 3rd, ... attempt; after the last retry a message has failed.
        "OUTBOX_RETRY_MINUTES": os.environ.get("OUTBOX_RETRY_MINUTES", "1,5,30,120,720"),
        # A claim older than this was interrupted mid-send (the process died).
        "OUTBOX_CLAIM_MINUTES": int(os.environ.get("OUTBOX_CLAIM_MINUTES", "15")),
        # Days after the due date an overdue reminder goes, once per invoice per step.
        "OVERDUE_REMINDER_DAYS": os.environ.get("OVERDUE_REMINDER_DAYS", "7,30"),
        # The address links in emails point at (the portal as schools reach it).
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", "http://localhost:5000"),
        # Hours a set-password (invitation) and a reset link stay valid.
        "INVITATION_HOURS": int(os.environ.get("INVITATION_HOURS", "72")),
        "PASSWORD_RESET_HOURS": int(os.environ.get("PASSWORD_RESET_HOURS", "2")),
        # Where acknowledgements of notices go on the council's side.
        "SLA_TEAM_EMAIL": os.environ.get("SLA_TEAM_EMAIL")
        or os.environ.get("SLA_QUERIES_EMAIL", "ictschoolreply@coventry.gov.uk"),
    }


MIN_PRODUCTION_SECRET = 32
DEFAULT_MAX_CONTENT_LENGTH = 20 * 1024 * 1024


def _limits() -> dict:
    """How large a request may be: a 150 MB upload took a worker to 1.9 GB (issue #16)."""
    raw = os.environ.get("MAX_CONTENT_LENGTH", str(DEFAULT_MAX_CONTENT_LENGTH)).strip()
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1024:
        raise RuntimeError(f"MAX_CONTENT_LENGTH must be a number of bytes of at least 1024, not {raw!r}")
    return {"MAX_CONTENT_LENGTH": int(raw)}


def _secure(config: dict) -> None:
    """What production refuses or forces, on the final configuration (overrides included)."""
    if config["CONTRACTS_ENV"] == "production":
        if len(config["SECRET_KEY"]) < MIN_PRODUCTION_SECRET:
            raise RuntimeError(
                f"SECRET_KEY must be at least {MIN_PRODUCTION_SECRET} characters when CONTRACTS_ENV=production "
                f"(it has {len(config['SECRET_KEY'])}); make one with: python -c 'import secrets; "
                "print(secrets.token_hex(32))'")
        # Debug mode serves Werkzeug's interactive debugger (code execution from a browser).
        # `flask run` reads FLASK_DEBUG again after create_app, so the variable itself is reset.
        if os.environ.get("FLASK_DEBUG"):
            os.environ["FLASK_DEBUG"] = "0"
        config["DEBUG"] = False
        _shared_throttle_counts(config)
    _private_sqlite_file(config["SQLALCHEMY_DATABASE_URI"])


# `limits` storages that count in one process's memory only.
PER_PROCESS_STORES = ("memory", "async+memory")


def _shared_throttle_counts(config: dict) -> None:
    """Production refuses sign-in counts kept per process: with N workers, N times the limit got through."""
    uri = config.get("RATELIMIT_STORAGE_URI") or ""
    if config.get("RATELIMIT_ENABLED") and urlsplit(uri).scheme in PER_PROCESS_STORES:
        raise RuntimeError(
            f"RATELIMIT_STORAGE_URI={uri} keeps the sign-in attempt counts in each worker process's own memory, "
            "so every worker would allow the full limit (issue #27); CONTRACTS_ENV=production needs counts "
            "every worker shares: leave RATELIMIT_STORAGE_URI unset (REDIS_URL's Redis if set, else the "
            "database), or set it to redis://... or database://")


def _private_sqlite_file(url: str) -> None:
    """Create a new SQLite database file readable by its owner only (sqlite3 follows the umask,
    and its journal and WAL files take the database file's mode)."""
    if not url.startswith("sqlite"):
        return
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists() or not path.parent.is_dir():
        return
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass  # another process created it first


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
        **_einvoice(),
        **_web(env),
        **_mail(instance),
        **_auth(),
        **_jobs(instance),
        **_limits(),
    }
    config.update(overrides)
    _secure(config)
    return config
