"""Addresses in emails: the app's own URLs on PUBLIC_URL, built without a request."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """e.g. https://sla.example.gov.uk/invoices/INV-2025-00001 (PUBLIC_URL is the base)."""
    base = urlsplit(current_app.config.get("PUBLIC_URL") or "http://localhost:5000")
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)
