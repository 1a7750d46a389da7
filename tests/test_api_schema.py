"""The OpenAPI schema at /api/v1/schema/ tells the truth: it is valid OpenAPI 3, the operations answering one object
say so, every operation declares the error statuses it can answer with their body, and real answers validate
against what the schema declares for their status.

Partners generate clients from this schema, so a contradiction here is a broken client there.
"""

from __future__ import annotations

import copy
import re

import jsonschema
import pytest
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from listings.services.listings import Term
from search.forms import MAX_PAGE, MAX_QUERY_LENGTH
from search.query import MAX_PAGE_SIZE
from techmarket.regions import gbt2260
from techmarket.regions.models import TechnologyField
from tests.factories import OrganisationFactory, add_member, make_listing, organisation_in, registry_clerk_user

SCHEMA_URL = "/api/v1/schema/?format=json"
METHODS = {"get", "post", "put", "patch", "delete"}
WRITES = {"post", "put", "patch", "delete"}
PROVINCE_CODES = [code for code, _name in gbt2260.province_choices()]


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker) -> dict:
    """The schema as a partner downloads it (generated once for the module: it takes a while), from the test
    database (the technology fields its enums list)."""
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


# Constraints, security and examples ----------------------------------------------------------------------------


def test_public_reads_need_no_sign_in_and_writes_need_one(schema):
    public = (
        "/api/v1/registry/patents/",
        "/api/v1/registry/entries/",
        "/api/v1/registry/flows/",
        "/api/v1/registry/targets/",
        "/api/v1/search/",
        "/api/v1/regions/",
    )
    for path, method, operation in operations(schema):
        if path.startswith(public):
            assert operation["security"] == [], f"{method.upper()} {path}"
        if method in WRITES:
            assert operation["security"] and {} not in operation["security"], f"{method.upper()} {path}"


def test_every_operation_declares_the_busy_and_fault_answers(schema):
    for path, method, _operation in operations(schema):
        for status in ("500", "503"):
            assert resolve(schema, json_schema(schema, path, method, status))["required"] == ["detail"], path


def _parameters(schema: dict, path: str) -> dict[str, dict]:
    return {p["name"]: p["schema"] for p in schema["paths"][path]["get"]["parameters"]}


def test_the_search_parameters_are_declared_as_its_form_checks_them(schema):
    declared = _parameters(schema, "/api/v1/search/")

    assert declared["province"] == {"type": "array", "items": {"type": "string", "enum": PROVINCE_CODES}}
    assert declared["ipc"]["items"]["enum"] == list("ABCDEFGH")
    assert declared["city"]["items"]["pattern"] == r"^\d{6}$"
    assert declared["page"] == {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}
    assert declared["page_size"] == {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
    assert declared["q"] == {"type": "string", "maxLength": MAX_QUERY_LENGTH}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, status",
    [({"ipc": "H"}, 200), ({"ipc": "Z"}, 400), ({"province": "340000"}, 200), ({"province": "349900"}, 400)],
)
def test_a_search_value_the_schema_declares_is_taken_and_one_it_does_not_is_refused(schema, api, query, status):
    name, value = next(iter(query.items()))
    declared = _parameters(schema, "/api/v1/search/")[name]["items"]["enum"]

    response = api.get("/api/v1/search/", query)

    assert (value in declared) == (status == 200)
    assert response.status_code == status
    assert_answers_as_declared(schema, "/api/v1/search/", "get", response)


@pytest.mark.django_db
def test_technology_fields_are_declared_as_the_slugs_there_are(schema):
    slugs = list(TechnologyField.objects.active().values_list("slug", flat=True))

    assert _parameters(schema, "/api/v1/listings/")["field"]["enum"] == slugs
    assert _parameters(schema, "/api/v1/demands/")["field"]["enum"] == slugs
    listing = schema["components"]["schemas"]["ListingCreateRequest"]["properties"]["field"]
    assert resolve(schema, listing["allOf"][0])["enum"] == slugs


@pytest.mark.parametrize(
    "number, declared",
    [
        ("202311432805.9", True),
        ("CN202311432805.9", True),
        ("ZL2023114328059", True),
        ("200710308494.x", True),
        ("95115608.X", True),
        ("202341432805.9", False),  # 4 is no patent type
        ("12345", False),
        ("null,null", False),
    ],
)
def test_patent_numbers_are_declared_in_their_written_forms(schema, number, declared):
    path_parameter = _parameters(schema, "/api/v1/registry/patents/{number}/")["number"]
    query_parameter = _parameters(schema, "/api/v1/registry/entries/")["patent"]

    assert bool(re.match(path_parameter["pattern"], number)) == declared
    assert bool(re.match(query_parameter["pattern"], number)) == declared


def test_a_credit_code_is_required_in_its_form_to_register_an_organisation(schema):
    request = schema["components"]["schemas"]["OrganisationRequest"]

    assert "credit_code" in request["required"]
    pattern = request["properties"]["credit_code"]["pattern"]
    assert (
        re.match(pattern, "91310109MACHK7GN2R")
        and not re.match(pattern, "91310109MACHK7GN2")
        and not re.match(pattern, "9131010IMACHK7GN2R")
    )


def examples(schema: dict):
    for path, method, operation in operations(schema):
        for status, response in operation["responses"].items():
            for name, example in response.get("content", {}).get("application/json", {}).get("examples", {}).items():
                yield path, method, int(status), name, example["value"]


def test_every_example_is_a_body_the_schema_declares(schema):
    found = list(examples(schema))

    assert len(found) >= 8
    for path, method, status, _name, value in found:
        document = _as_json_schema({**json_schema(schema, path, method, status)})
        document["components"] = _as_json_schema(copy.deepcopy(schema["components"]))
        jsonschema.validate(value, document, cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize(
    "path, method, status",
    [
        ("/api/v1/search/", "get", 200),
        ("/api/v1/search/", "get", 400),
        ("/api/v1/listings/", "get", 400),
        ("/api/v1/listings/", "post", 400),
        ("/api/v1/listings/{id}/", "get", 404),
        ("/api/v1/registry/patents/{number}/", "get", 400),
        ("/api/v1/registry/patents/{number}/", "get", 404),
        ("/api/v1/registry/flows/", "get", 400),
    ],
)
def test_the_docs_show_the_main_operations_answers_by_example(schema, path, method, status):
    assert any(found[:3] == (path, method, status) for found in examples(schema))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, path, status",
    [
        ("/api/v1/search/?province=999999", "/api/v1/search/", 400),
        ("/api/v1/listings/?field=nanotech", "/api/v1/listings/", 400),
        ("/api/v1/listings/99999/", "/api/v1/listings/{id}/", 404),
        ("/api/v1/registry/patents/202311432805.3/", "/api/v1/registry/patents/{number}/", 400),
        ("/api/v1/registry/patents/202311432805.9/", "/api/v1/registry/patents/{number}/", 404),
        ("/api/v1/registry/flows/?year_from=2025&year_to=2021", "/api/v1/registry/flows/", 400),
    ],
)
def test_an_error_example_is_what_the_api_answers(schema, url, path, status):
    (value,) = [value for p, m, s, _name, value in examples(schema) if (p, m, s) == (path, "get", status)]

    response = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans").get(url)

    assert response.status_code == status
    assert response.json() == value


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
