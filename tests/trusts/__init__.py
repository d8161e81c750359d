"""Trusts (issue #29)."""
