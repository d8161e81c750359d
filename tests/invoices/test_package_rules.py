"""House rules for invoices/: no float, no Flask or SQLAlchemy, public API documented."""

import ast
import inspect
from pathlib import Path

import invoices

PACKAGE = Path(invoices.__file__).parent
SOURCES = sorted(PACKAGE.glob("*.py"))


def test_sources_found():
    assert len(SOURCES) >= 10


def test_no_float_anywhere():
    offenders = [p.name for p in SOURCES if "float(" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_no_flask_or_sqlalchemy_imports():
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                root = name.split(".")[0].lower()
                assert root not in {"flask", "sqlalchemy", "flask_sqlalchemy", "contracts_app"}, (path.name, name)


def test_public_functions_have_docstrings_and_hints():
    for name in invoices.__all__:
        obj = getattr(invoices, name)
        if inspect.isfunction(obj):
            assert obj.__doc__, name
            hints = obj.__annotations__
            assert "return" in hints, name
            params = inspect.signature(obj).parameters
            assert all(p in hints for p in params), name
        elif inspect.isclass(obj):
            assert obj.__doc__, name
