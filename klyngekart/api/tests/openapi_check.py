"""Check a JSON value against a schema of the published OpenAPI document.

Enough of JSON Schema for what ninja and pydantic generate ($ref, anyOf, enum, object, array,
string, integer, number, boolean, null), and stricter than JSON Schema in one way that matters
for a contract: an object may not carry a property its schema does not declare, so a field that
the schema lacks (as the taxonomy's description was) is a failure, not a silent extra."""

from __future__ import annotations

from typing import Any

_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


def _is(value: Any, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, _TYPES[kind])


def problems(value: Any, schema: dict[str, Any], spec: dict[str, Any], where: str = "$") -> list[str]:
    """Every place where ``value`` breaks ``schema`` (empty when it fits)."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        return problems(value, spec["components"]["schemas"][name], spec, where)
    if "anyOf" in schema:
        options = [problems(value, option, spec, where) for option in schema["anyOf"]]
        return [] if any(not found for found in options) else [f"{where}: fits none of {schema['anyOf']}"]
    if "allOf" in schema:
        return [found for part in schema["allOf"] for found in problems(value, part, spec, where)]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{where}: {value!r} not in {schema['enum']}"]
    kind = schema.get("type")
    if kind is None:
        return []
    if not _is(value, kind):
        return [f"{where}: {type(value).__name__} where the schema says {kind}"]
    if kind == "array":
        item = schema.get("items", {})
        return [
            found
            for index, entry in enumerate(value)
            for found in problems(entry, item, spec, f"{where}[{index}]")
        ]
    if kind != "object":
        return []
    found = [f"{where}: missing {key!r}" for key in schema.get("required", []) if key not in value]
    declared = schema.get("properties", {})
    extra = schema.get("additionalProperties", False)
    for key, entry in value.items():
        if key in declared:
            found += problems(entry, declared[key], spec, f"{where}.{key}")
        elif isinstance(extra, dict):
            found += problems(entry, extra, spec, f"{where}.{key}")
        elif not extra:
            found.append(f"{where}: {key!r} is not in the schema")
    return found


def response_problems(spec: dict[str, Any], method: str, template: str, response: Any) -> list[str]:
    """Problems of a test client ``response`` against the operation ``method template`` (the
    path as the document writes it, e.g. /api/v1/clusters/{slug}/taxonomy)."""
    operation = spec["paths"][template][method.lower()]
    documented = operation["responses"].get(str(response.status_code))
    if documented is None:
        return [f"{method} {template}: status {response.status_code} is not documented"]
    schema = documented.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return []
    return problems(response.json(), schema, spec)
