"""The error answers every API operation can give, added to the OpenAPI schema in one place.

Each view documents its own successes (and the errors particular to it); the errors that come
from the layers every request passes through are the same everywhere and are added here, unless
the operation describes them itself:

- 400: the input does not validate (operations that take a body or query parameters), or a
  service refuses a change (every unsafe method: a rule that needs other rows or the clock): the
  fields' messages, or a list of messages (an operation's own 400 is kept, as the other form its
  400 can take);
- 401: an invalid, expired or revoked API token (``accounts.authentication``);
- 403: not signed in, a policy refusal with its reason, or a missing CSRF token;
- 404: an edition, paper or object the path names that does not exist or that the caller may not
  see (operations with path parameters; the same message either way, ``mlsys_conf.api``);
- 429: too many refused API tokens from the caller's address.
"""

from __future__ import annotations

from typing import Any

ERROR = "ErrorDetail"
VALIDATION_ERROR = "InputErrors"

COMPONENTS: dict[str, dict[str, Any]] = {
    ERROR: {
        "type": "object",
        "description": "Why the request was refused.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    VALIDATION_ERROR: {
        "description": "What is wrong with the input: messages per field (``non_field_errors`` for the "
        "input as a whole), or a list of messages.",
        "oneOf": [
            {"type": "object", "additionalProperties": {}},
            {"type": "array", "items": {"type": "string"}},
        ],
    },
}

DESCRIPTIONS = {
    "400": "The input is not valid.",
    "401": "Invalid, expired or revoked API token.",
    "403": "Not allowed: not signed in, or the reason of the refusal.",
    "404": "Not found (or not visible to you).",
    "429": "Too many refused API tokens from your address.",
}
METHODS = ("get", "put", "post", "patch", "delete")


def _response(status: str) -> dict[str, Any]:
    component = VALIDATION_ERROR if status == "400" else ERROR
    return {
        "description": DESCRIPTIONS[status],
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def _or_input_errors(response: dict[str, Any]) -> None:
    """An operation's own 400 (e.g. a bulk refusal naming each bad line) is given when its input
    is well-formed; before that, the input's validation answers like everywhere else."""
    errors = {"$ref": f"#/components/schemas/{VALIDATION_ERROR}"}
    for media in response.get("content", {}).values():
        schema = media.get("schema")
        if schema is not None and schema != errors:
            media["schema"] = {"anyOf": [schema, errors]}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in COMPONENTS.items():
        schemas.setdefault(name, schema)
    for path_item in result.get("paths", {}).values():
        for method in METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            parameters = operation.get("parameters", [])
            statuses = ["401", "403", "429"]
            if method != "get" or "requestBody" in operation or any(p.get("in") == "query" for p in parameters):
                statuses.append("400")
            if any(p.get("in") == "path" for p in parameters):
                statuses.append("404")
            responses = operation.setdefault("responses", {})
            if "400" in statuses and "400" in responses:
                _or_input_errors(responses["400"])
            for status in statuses:
                responses.setdefault(status, _response(status))
            operation["responses"] = dict(sorted(responses.items()))
    return result
