"""The API reference page's content, read from the generated OpenAPI document.

Plain data for ``templates/api/docs.html``: operations by tag with their
parameters, request body and responses, then every schema with its properties.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from contracts_app.api.schemas.common import Text

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Property:
    name: str
    type: str
    link: str | None
    required: bool
    notes: str


@dataclass
class Parameter(Property):
    location: str = ""


@dataclass
class Response:
    status: str
    description: str
    type: str
    link: str | None


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: list[Markup]
    roles: list[str]
    parameters: list[Parameter]
    body: Property | None
    responses: list[Response]

    @property
    def anchor(self) -> str:
        """The operation's id in the page, from its method and path."""
        return "op-" + self.method.lower() + re.sub(r"[^a-z0-9]+", "-", self.path.lower()).rstrip("-")


@dataclass
class SchemaDoc:
    name: str
    description: str
    properties: list[Property]


@dataclass
class Reference:
    title: str
    version: str
    openapi: str
    intro: list[Markup]
    security: list[Markup]
    tags: list[tuple[str, list[Operation]]] = field(default_factory=list)
    schemas: list[SchemaDoc] = field(default_factory=list)


def paragraphs(text: str) -> list[Markup]:
    """Blank-line separated paragraphs, with `code` spans; everything else escaped."""
    out = []
    for block in re.split(r"\n\s*\n", text or ""):
        block = " ".join(block.split())
        if block:
            html = re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(block)))
            out.append(Markup(html))
    return out


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def describe(schema: dict) -> tuple[str, str | None]:
    """A short type name for a schema ("array of Invoice", "string (date)") and the schema it links to."""
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return name, name
    for key in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(key, ()):
            if "$ref" in part:
                name = _ref_name(part["$ref"])
                return name, name
    kind = schema.get("type", "any")
    if kind == "array":
        inner, link = describe(schema.get("items", {}))
        return f"array of {inner}", link
    if kind == "object" and "additionalProperties" in schema and isinstance(schema["additionalProperties"], dict):
        inner, link = describe(schema["additionalProperties"])
        return f"object of {inner}", link
    return (f"{kind} ({schema['format']})" if "format" in schema else kind), None


def notes(schema: dict, description: str = "") -> str:
    """The constraints a client must meet, in words."""
    parts = [(description or schema.get("description", "")).rstrip(".")]
    if "enum" in schema:
        parts.append("one of: " + ", ".join(str(v) for v in schema["enum"]))
    lo = schema.get("minimum", schema.get("x-minimum"))
    hi = schema.get("maximum", schema.get("x-maximum"))
    if lo is not None or hi is not None:
        parts.append(f"from {lo if lo is not None else '…'} to {hi if hi is not None else '…'}")
    if "maxLength" in schema:
        parts.append(f"at most {schema['maxLength']} characters")
    if schema.get("pattern") in (Text.SINGLE_LINE, Text.MULTILINE):
        parts.append("no control characters" + (" (line breaks allowed)" if schema["pattern"] == Text.MULTILINE
                                                else ""))
    elif "pattern" in schema and schema.get("format") != "date":  # a date's range says it in words
        parts.append(f"pattern {schema['pattern']}")
    if "default" in schema and schema["default"] not in ("", None):
        parts.append(f"default {schema['default']}")
    if "example" in schema:
        parts.append(f"e.g. {schema['example']}")
    if schema.get("nullable"):
        parts.append("may be null")
    return "; ".join(p for p in parts if p)


def _response(spec: dict, status: str, response: dict) -> Response:
    if "$ref" in response:
        response = spec.get("components", {}).get("responses", {}).get(_ref_name(response["$ref"]), {})
    content = response.get("content", {})
    kind, link = "", None
    for media_type, body in content.items():
        kind, link = describe(body.get("schema", {}))
        kind = f"{media_type}: {kind}"
    return Response(status, response.get("description", ""), kind, link)


def _operation(spec: dict, path: str, method: str, op: dict, shared: list[dict]) -> Operation:
    params = []
    for p in [*shared, *op.get("parameters", [])]:
        schema = p.get("schema", {})
        kind, link = describe(schema)
        params.append(Parameter(p["name"], kind, link, bool(p.get("required")), notes(schema, p.get("description", "")),
                                location=p["in"]))
    body = None
    if "requestBody" in op:
        for media_type, content in op["requestBody"].get("content", {}).items():
            kind, link = describe(content.get("schema", {}))
            body = Property(media_type, kind, link, bool(op["requestBody"].get("required")), "")
    responses = [_response(spec, str(status), r) for status, r in
                 sorted(op.get("responses", {}).items(), key=lambda item: (str(item[0]) == "default", str(item[0])))]
    return Operation(method.upper(), path, op.get("summary", ""), paragraphs(op.get("description", "")),
                     list(op.get("x-roles", ())), params, body, responses)


def reference(spec: dict) -> Reference:
    """Everything the page shows, from the document."""
    info = spec.get("info", {})
    schemes = spec.get("components", {}).get("securitySchemes", {})
    security = [p for name, s in schemes.items() for p in paragraphs(
        f"`{name}`: {s.get('type')} {s.get('scheme', '')}".strip() + (f", {s['description']}" if s.get("description")
                                                                      else ""))]
    ref = Reference(info.get("title", "API"), info.get("version", ""), spec.get("openapi", ""),
                    paragraphs(info.get("description", "")), security)
    by_tag: dict[str, list[Operation]] = {}
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                op = item[method]
                tag = (op.get("tags") or ["Other"])[0]
                by_tag.setdefault(tag, []).append(_operation(spec, path, method, op, item.get("parameters", [])))
    ref.tags = sorted(by_tag.items())
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        required = set(schema.get("required", ()))
        props = []
        for prop_name, prop in schema.get("properties", {}).items():
            kind, link = describe(prop)
            props.append(Property(prop_name, kind, link, prop_name in required, notes(prop)))
        ref.schemas.append(SchemaDoc(name, schema.get("description", ""), props))
    ref.schemas.sort(key=lambda s: s.name)
    return ref
