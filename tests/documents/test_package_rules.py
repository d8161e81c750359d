"""House rules for the pure document modules: no float, no Flask or SQLAlchemy, documented."""
from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import documents as package

PURE = ("model", "template", "filling", "pdf", "html", "bulk")
FOLDER = Path(package.__file__).parent


def test_no_float_and_no_web_or_database_imports():
    for name in PURE:
        source = (FOLDER / f"{name}.py").read_text(encoding="utf-8")
        assert "float(" not in source, name
        for node in ast.walk(ast.parse(source)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for module in modules:
                assert module.split(".")[0] not in {"flask", "sqlalchemy", "flask_sqlalchemy", "flask_login"}, \
                    (name, module)
                assert not module.startswith("contracts_app"), (name, module)


def test_public_functions_have_docstrings_and_hints():
    for name in PURE:
        module = importlib.import_module(f"documents.{name}")
        for public in getattr(module, "__all__", ()):
            obj = getattr(module, public)
            if inspect.isfunction(obj):
                assert obj.__doc__, (name, public)
                assert "return" in obj.__annotations__, (name, public)
            elif inspect.isclass(obj):
                assert obj.__doc__, (name, public)
