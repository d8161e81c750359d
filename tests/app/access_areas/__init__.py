"""Access expectations per area, one module each, so areas can be added without touching
test_access.py. Each module defines:

- ``EXPECTED``: endpoint -> set of roles allowed (admin, sla, finance, school);
- ``SCHOOL_SCOPED`` (optional): endpoints where a school user asking for another
  school's data must get 404;
- ``world(own, other)`` (optional): creates what the area's URLs name and returns
  {url parameter: value}, or {url parameter: {urn: value}} for per-school values.
"""
from __future__ import annotations

import importlib
import pkgutil


def area_modules():
    for info in pkgutil.iter_modules(__path__):
        yield importlib.import_module(f"{__name__}.{info.name}")
