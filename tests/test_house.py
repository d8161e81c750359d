"""The house rules for the whole tree (issue #14), checked on the source text:

- no import circle anywhere, counting imports made inside functions;
- the domain packages import no framework and no application code;
- nothing under contracts_app/ is pure Python (that belongs in a domain package);
- views never touch db.session;
- no module over 400 lines, no function over 60 lines.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ("pricing", "agreements", "adhoc", "invoices", "documents", "servicedesk", "rounds", "register")
PACKAGES = DOMAIN + ("contracts_app", "benchmarks")
FRAMEWORKS = {"flask", "flask_sqlalchemy", "sqlalchemy", "flask_login", "flask_wtf", "wtforms",
              "flask_smorest", "marshmallow", "webargs", "click", "flask_migrate", "alembic",
              "flask_mail", "huey", "flask_limiter", "werkzeug"}
# What makes a module belong to the application rather than a domain package.
APPLICATION = FRAMEWORKS | {"contracts_app.models", "contracts_app.extensions"}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _sources() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


SOURCES = _sources()


def _imports(name: str, path: Path) -> set[str]:
    """Every module this one imports, at the top or inside functions."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # "from p import x" names module p.x when there is one, else p itself (see _internal)
            out.update(f"{base}.{alias.name}" for alias in node.names)
    return out


def _internal(imported: str) -> str | None:
    """The project module an import names (a package's name stands for its __init__)."""
    while imported and imported not in SOURCES:
        imported = imported.rpartition(".")[0]
    return imported or None


GRAPH = {name: {m for m in map(_internal, _imports(name, path)) if m and m != name}
         for name, path in SOURCES.items()}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in GRAPH[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return found


def test_sources_found():
    assert len(SOURCES) > 100


def test_no_import_circles():
    assert _cycles() == []


@pytest.mark.parametrize("package", DOMAIN)
def test_domain_packages_import_no_framework_and_no_application(package):
    offenders = []
    for name, path in SOURCES.items():
        if name.split(".")[0] != package:
            continue
        for imported in _imports(name, path):
            root = imported.split(".")[0]
            if root in FRAMEWORKS or root in ("contracts_app", "benchmarks"):
                offenders.append((name, imported))
        if "float(" in path.read_text(encoding="utf-8") and package in ("pricing", "invoices"):
            offenders.append((name, "float("))
    assert offenders == []


def _uses_application(name: str, path: Path) -> bool:
    for imported in _imports(name, path):
        if imported.split(".")[0] in FRAMEWORKS:
            return True
        if any(imported == a or imported.startswith(a + ".") for a in APPLICATION):
            return True
        internal = _internal(imported)
        # Importing another application module that is itself tied to the app counts too.
        if internal and internal.startswith("contracts_app.") and internal not in (name, "contracts_app.config"):
            if internal.split(".")[1] in ("models", "services", "web", "api", "cli", "access", "extensions"):
                return True
    return False


def test_nothing_under_contracts_app_is_pure_python():
    pure = [name for name, path in SOURCES.items()
            if name.startswith("contracts_app") and name != "contracts_app.config"
            and path.stat().st_size > 0 and path.read_text(encoding="utf-8").strip()
            and not _is_only_docstring(path) and not _uses_application(name, path)]
    assert pure == []


def _is_only_docstring(path: Path) -> bool:
    body = ast.parse(path.read_text(encoding="utf-8")).body
    return all(isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant) for n in body)


def test_views_never_touch_the_session():
    offenders = []
    for name, path in SOURCES.items():
        if name.startswith(("contracts_app.web.", "contracts_app.api.")):
            source = path.read_text(encoding="utf-8")
            if "db.session" in source:
                offenders.append(name)
    assert offenders == []


def test_no_module_over_400_lines():
    long = {name: n for name, path in SOURCES.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_no_function_over_60_lines():
    long = []
    for name, path in SOURCES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{name}.{node.name}: {length}")
    assert long == []
