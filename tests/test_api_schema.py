"""The OpenAPI schema at /api/v1/schema/ tells the truth: it is valid OpenAPI 3, the operations answering one object
say so, every operation declares the error statuses it can answer with their body, and real answers validate
against what the schema declares for their status.

Partners generate clients from this schema, so a contradiction here is a broken client there.
"""

from __future__ import annotations

import copy

import jsonschema
import pytest
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from listings.services.listings import Term
from tests.factories import OrganisationFactory, add_member, make_listing, organisation_in, registry_clerk_user

SCHEMA_URL = "/api/v1/schema/?format=json"
METHODS = {"get", "post", "put", "patch", "delete"}
WRITES = {"post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    """The schema as a partner downloads it (generated once for the module: it takes a while)."""
    with django_db_blocker.unblock():
        response = APIClient().get(SCHEMA_URL)
    assert response.status_code == 200
    return response.json()


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def json_schema(schema: dict, path: str, method: str, status: int) -> dict:
    return schema["paths"][path][method]["responses"][str(status)]["content"]["application/json"]["schema"]


def resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _as_json_schema(node):
    """OpenAPI 3.0's ``nullable`` is not JSON Schema: a nullable node also accepts null."""
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _as_json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def assert_answers_as_declared(schema: dict, path: str, method: str, response) -> None:
    """The body validates against the schema's declared response for its status, ``$ref``s resolved against the
    components."""
    declared = schema["paths"][path][method]["responses"]
    assert str(response.status_code) in declared, (
        f"{method.upper()} {path} answers an undeclared {response.status_code}"
    )
    document = _as_json_schema({**json_schema(schema, path, method, response.status_code)})
    document["components"] = _as_json_schema(copy.deepcopy(schema["components"]))
    jsonschema.validate(response.json(), document, cls=jsonschema.Draft202012Validator)


def test_the_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/api/v1/me/", {"id", "email", "name", "phone", "organisations"}),
        ("/api/v1/registry/flows/", {"regions", "cells", "total", "cross_province", "trend"}),
        ("/api/v1/search/", {"total", "page", "page_size", "degraded", "results", "facets"}),
    ],
)
def test_operations_answering_one_object_are_declared_as_one(schema, path, fields):
    declared = resolve(schema, json_schema(schema, path, "get", 200))

    assert declared.get("type") == "object"
    assert set(declared["properties"]) == fields


def test_every_operation_declares_403_and_429_with_the_detail_body(schema):
    for path, method, operation in operations(schema):
        for status in ("403", "429"):
            body = operation["responses"][status]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ErrorDetail"}, (method, path, status)


def test_404_is_declared_wherever_an_id_or_a_page_of_a_paginated_list_can_miss(schema):
    for path, method, operation in operations(schema):
        answer = operation["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
        paginated = answer.get("$ref", "").startswith("#/components/schemas/Paginated")
        if paginated or any(p["in"] == "path" for p in operation.get("parameters", [])):
            body = operation["responses"]["404"]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ErrorDetail"}, (method, path)


def test_400_is_declared_on_writes_and_on_reads_with_query_parameters(schema):
    for path, method, operation in operations(schema):
        if method in WRITES or any(p["in"] == "query" for p in operation.get("parameters", [])):
            body = operation["responses"]["400"]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/BadRequestBody"}, (method, path)


def test_the_statuses_a_partner_met_are_declared(schema):
    assert "404" in schema["paths"]["/api/v1/organisations/"]["get"]["responses"]
    assert "400" in schema["paths"]["/api/v1/organisations/{id}/"]["put"]["responses"]


def test_a_400_body_is_field_errors_or_a_detail(schema):
    body = resolve(schema, {"$ref": "#/components/schemas/BadRequestBody"})
    validator = jsonschema.Draft202012Validator({**body, "components": schema["components"]})

    assert validator.is_valid({"name_zh": ["This field is required."]})
    assert validator.is_valid({"non_field_errors": ["Refused."]})
    assert validator.is_valid({"detail": "JSON parse error"})
    assert validator.is_valid({"patents": {"0": ["Too long."]}, "deal_terms": ["This field is required."]})
    assert not validator.is_valid({"name_zh": "not a list"})


# Real answers against the schema: a contract check without a fuzzer.


@pytest.fixture
def api() -> APIClient:
    return APIClient(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.django_db
def test_me_answers_as_declared(schema, api):
    api.force_authenticate(add_member(OrganisationFactory()))

    response = api.get("/api/v1/me/")

    assert response.status_code == 200
    assert_answers_as_declared(schema, "/api/v1/me/", "get", response)


@pytest.mark.django_db
def test_flows_answer_as_declared(schema, api):
    response = api.get("/api/v1/registry/flows/")

    assert response.status_code == 200
    assert_answers_as_declared(schema, "/api/v1/registry/flows/", "get", response)


@pytest.mark.django_db
def test_search_answers_as_declared(schema, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_listing(
            organisation_in("310000", kind="university"),
            status="published",
            title_zh="锂电池正极材料",
            terms=[Term("assignment", None)],
        )

    response = api.get("/api/v1/search/", {"q": "电池"})

    assert response.status_code == 200
    assert response.json()["total"] == 1
    assert_answers_as_declared(schema, "/api/v1/search/", "get", response)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["0", "805265"])
def test_a_page_past_the_end_is_a_declared_404(schema, api, page):
    response = api.get("/api/v1/organisations/", {"page": page})

    assert response.status_code == 404
    assert_answers_as_declared(schema, "/api/v1/organisations/", "get", response)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["0", "501"])
def test_a_search_page_out_of_range_is_a_declared_400_not_a_404(schema, api, page):
    response = api.get("/api/v1/search/", {"page": page})

    assert response.status_code == 400
    assert "404" not in schema["paths"]["/api/v1/search/"]["get"]["responses"]
    assert_answers_as_declared(schema, "/api/v1/search/", "get", response)


@pytest.mark.django_db
def test_an_unknown_id_is_a_declared_404(schema, api):
    response = api.get("/api/v1/organisations/999999/")

    assert response.status_code == 404
    assert_answers_as_declared(schema, "/api/v1/organisations/{id}/", "get", response)


@pytest.mark.django_db
def test_an_invalid_query_is_a_declared_400(schema, api):
    response = api.get("/api/v1/registry/flows/", {"year_from": "2020", "year_to": "2019"})

    assert response.status_code == 400
    assert "year_to" in response.json()
    assert_answers_as_declared(schema, "/api/v1/registry/flows/", "get", response)


@pytest.mark.django_db
def test_errors_of_a_list_field_by_index_are_a_declared_400(schema, api):
    organisation = OrganisationFactory()
    api.force_authenticate(add_member(organisation))

    response = api.post("/api/v1/listings/", {"organisation": organisation.pk, "patents": ["0" * 41]}, format="json")

    assert response.status_code == 400
    assert "0" in response.json()["patents"]
    assert_answers_as_declared(schema, "/api/v1/listings/", "post", response)


@pytest.mark.django_db
def test_an_unreadable_body_is_a_declared_400(schema, api):
    api.force_authenticate(add_member(OrganisationFactory()))

    response = api.post("/api/v1/organisations/", "{", content_type="application/json")

    assert response.status_code == 400
    assert "detail" in response.json()
    assert_answers_as_declared(schema, "/api/v1/organisations/", "post", response)


@pytest.mark.django_db
def test_licences_awaiting_recordal_answer_as_declared(schema, api):
    import datetime

    from ip_registry.recordals import licence_recordal_open
    from tests.factories import make_patent

    path = "/api/v1/registry/recordals/"
    licence_recordal_open(
        actor=None,
        patent=make_patent(organisation_in("310000")),
        licensees=[organisation_in("320000")],
        licence_type="ordinary",
        term_start=datetime.date(2024, 1, 1),
        term_end=datetime.date(2026, 1, 1),
        effective_date=datetime.date(2024, 1, 1),
    )
    refused = api.get(path)
    api.force_authenticate(registry_clerk_user())
    listed, bad = api.get(path), api.get(path, {"status": "soon"})

    assert (refused.status_code, listed.status_code, bad.status_code) == (403, 200, 400)
    assert listed.json()["results"][0]["status"] == "late"
    for response in (refused, listed, bad):
        assert_answers_as_declared(schema, path, "get", response)
