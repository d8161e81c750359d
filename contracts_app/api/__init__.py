"""The JSON API under /api/v1 (token-authenticated)."""
from flask import Flask


def init_api(app: Flask) -> None:
    """Register the API on the app (filled in by the API work)."""
