"""The API's error bodies in the OpenAPI schema, declared once: every operation lists the 4xx statuses that
``techmarket.api.exception_handler`` can answer it with, each with the one body that status really has."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

# What exception_handler answers: DRF's validation errors (and the domain's refusals, filed under
# non_field_errors) as {field: [messages]}; everything else as {"detail": message}.
ERROR_DETAIL = "ErrorDetail"
VALIDATION_ERROR = "ValidationErrorBody"
# A 400 is either: a body that cannot be parsed (malformed or too deeply nested JSON) is refused with a detail.
BAD_REQUEST = "BadRequestBody"

COMPONENTS = {
    ERROR_DETAIL: {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    VALIDATION_ERROR: {
        "type": "object",
        "description": "Messages per input field; those about the input as a whole (the market's refusals among "
        "them) under non_field_errors.",
        "properties": {"non_field_errors": {"type": "array", "items": {"type": "string"}}},
        # A field holding a list or a nested object (the patents and deal terms of a listing) has its errors by
        # index or by nested field: {"patents": {"0": [...]}}.
        "additionalProperties": {
            "anyOf": [
                {"type": "array", "items": {"type": "string"}},
                {"$ref": f"#/components/schemas/{VALIDATION_ERROR}"},
            ]
        },
    },
    BAD_REQUEST: {
        "anyOf": [
            {"$ref": f"#/components/schemas/{VALIDATION_ERROR}"},
            {"$ref": f"#/components/schemas/{ERROR_DETAIL}"},
        ],
    },
}

WRITES = {"post", "put", "patch", "delete"}
METHODS = WRITES | {"get", "head", "options"}


def _declare(response: dict, name: str) -> None:
    """Give an error response its one body (JSON only), keeping the examples a view wrote for it."""
    examples = response.get("content", {}).get("application/json", {}).get("examples")
    body = {"schema": {"$ref": f"#/components/schemas/{name}"}}
    response["content"] = {"application/json": {**body, **({"examples": examples} if examples else {})}}


def _paginated(operation: dict) -> bool:
    schema = operation.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
    return schema.get("schema", {}).get("$ref", "").startswith("#/components/schemas/Paginated")


def _errors(method: str, operation: dict) -> dict[str, tuple[str, str]]:
    """The 4xx statuses this operation can answer, with the body and a default description of each."""
    parameters = operation.get("parameters", [])
    answers = {
        # Sign-in (session or Basic) is checked on every request: bad credentials are refused with a 403 even where
        # no sign-in is needed, and too many failed sign-ins with a 429.
        "403": (ERROR_DETAIL, _("Not signed in, bad credentials, or the caller may not do this.")),
        "429": (ERROR_DETAIL, _("Too many requests; the Retry-After header says when to try again.")),
        # Answered by techmarket.errors under /api/ whatever the view: the database busy (SQLite's lock), or a fault.
        "500": (ERROR_DETAIL, _("A server error; it has been logged.")),
        "503": (ERROR_DETAIL, _("The service is busy; the Retry-After header says when to try again.")),
    }
    if method in WRITES or "requestBody" in operation or any(p["in"] == "query" for p in parameters):
        answers["400"] = (BAD_REQUEST, _("Invalid input, or refused by the market's rules; the body says why."))
    if any(p["in"] == "path" for p in parameters):
        answers["404"] = (ERROR_DETAIL, _("No such object, or one the caller may not see."))
    elif _paginated(operation):
        # DRF's paginator answers a page below 1 or past the last with a 404 (search checks its page as input: 400).
        answers["404"] = (ERROR_DETAIL, _("No such page: below 1 or past the last."))
    return answers


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's, and a view with ``public_reads = True`` (the registry, the regions, search) declares its
    reads public: they answer everyone alike, so a client needs no sign-in for them (``security: []``)."""

    def get_auth(self):
        if getattr(self.view, "public_reads", False) and self.method in ("GET", "HEAD"):
            return []
        return super().get_auth()


def error_responses(result: dict, generator, request, public: bool) -> dict:
    """drf-spectacular postprocessing hook: add the error body components, and on every operation each error
    status it can answer with its body (a description the view gave is kept)."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(COMPONENTS)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            operation.setdefault("security", [])  # no requirement, said outright (see AutoSchema)
            responses = operation.setdefault("responses", {})
            errors = _errors(method, operation)
            for code, (name, description) in errors.items():
                _declare(responses.setdefault(code, {"description": str(description)}), name)
            # A 4xx a view declared that the rules above do not cover gets its body too.
            for code, response in responses.items():
                if code.startswith("4") and code not in errors:
                    _declare(response, BAD_REQUEST if code == "400" else ERROR_DETAIL)
    return result
