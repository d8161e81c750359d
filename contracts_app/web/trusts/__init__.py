"""The trust pages (issue #29)."""
