"""House rules for the pure document modules: no float, no Flask or SQLAlchemy, documented."""
from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import documents as package

FOLDER = Path(package.__file__).parent
# Every module of the package, so that one added later is held to the same rules.
PURE = tuple(sorted(path.stem for path in FOLDER.glob("*.py") if path.stem != "__init__"))


def test_every_part_of_the_document_pipeline_is_checked():
    assert {"model", "catalogue", "reading", "assembly", "checks", "template", "writing", "versions", "filling",
            "pdf", "html", "bulk"} <= set(PURE)


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
        assert hasattr(module, "__all__"), name  # what the module offers is declared, and so checked
        for public in module.__all__:
            obj = getattr(module, public)
            if inspect.isfunction(obj):
                assert obj.__doc__, (name, public)
                assert "return" in obj.__annotations__, (name, public)
            elif inspect.isclass(obj):
                assert obj.__doc__, (name, public)
