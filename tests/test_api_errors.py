"""The API answers in JSON, always: a request it cannot read, a bug in a view or outside one, an unknown address.

The browsable API being off in production is tested with the production settings (tests/test_settings.py).
"""

import logging

import pytest
from django.test import Client
from rest_framework.test import APIClient

from techmarket.accounts.api import RegionViewSet
from tests.factories import OrganisationFactory, add_member

pytestmark = pytest.mark.django_db

WRITE_ENDPOINTS = ["/api/v1/organisations/", "/api/v1/listings/", "/api/v1/inquiries/", "/api/v1/demands/"]
TOO_DEEP = "JSON parse error: the document is nested more than 32 levels deep."


@pytest.fixture
def api():
    """A signed-in member of a firm; errors come back as the client sees them, not raised into the test."""
    client = APIClient(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(add_member(OrganisationFactory()))
    return client


@pytest.mark.parametrize("url", WRITE_ENDPOINTS)
def test_json_nested_a_hundred_thousand_deep_is_a_400(api, url):
    response = api.post(url, "[" * 100_000, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": TOO_DEEP}


@pytest.mark.parametrize("url", WRITE_ENDPOINTS)
def test_json_nested_past_the_limit_but_within_the_stack_is_a_400_too(api, url):
    response = api.post(url, "[" * 33 + "]" * 33, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": TOO_DEEP}


def test_json_within_the_limit_reaches_the_view(api):
    nested = {"name_zh": "[" * 31 + "]" * 31}  # text that looks nested is no nesting
    body = {"intended_use": [[[[[["deep", {"but": ["within", ["the", ["limit"]]]}]]]]]], **nested}

    response = api.post("/api/v1/inquiries/", body, format="json")

    assert response.status_code == 400
    assert "listing" in response.json()  # the serializer read it: the listing is missing


def test_an_unexpected_error_in_an_api_view_is_a_json_500_with_its_traceback_logged(monkeypatch, caplog):
    def broken(self, request):
        raise RuntimeError("a bug in the view")

    monkeypatch.setattr(RegionViewSet, "list", broken)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = APIClient(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/regions/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "A server error occurred."}
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Internal Server Error: /api/v1/regions/"
    assert record.exc_info[0] is RuntimeError
    assert record.status_code == 500


def test_the_500_detail_is_in_the_language_the_client_asks_for(monkeypatch):
    monkeypatch.setattr(RegionViewSet, "list", lambda self, request: 1 / 0)

    response = APIClient(raise_request_exception=False).get("/api/v1/regions/")

    assert response.status_code == 500
    assert response.json() == {"detail": "服务器出现了错误。"}


class BrokenMiddleware:
    """Fails outside any view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise RuntimeError("a bug in a middleware")


def test_an_error_outside_a_view_is_a_json_500_under_the_api(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_api_errors.BrokenMiddleware"]

    response = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/regions/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "A server error occurred."}


def test_an_error_outside_a_view_is_still_a_page_elsewhere(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_api_errors.BrokenMiddleware"]

    response = Client(raise_request_exception=False).get("/en/listings/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize(
    "path", ["/api/v1/no-such-thing/", "/api/v2/listings/", "/api/", "/api/v1/listings/null,null/"]
)
def test_an_unknown_api_address_is_a_json_404(path, debug, settings):
    settings.DEBUG = debug  # Django's own 404 page under DEBUG is HTML: the API's clients read JSON either way

    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_to_an_unknown_api_address_is_a_json_404_not_a_csrf_page(method):
    # An id of the wrong form names no endpoint; Django's CSRF check would answer a cookie-less write with HTML.
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")

    response = getattr(client, method)("/api/v1/listings/-1.5e-45/images/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_page_is_still_the_404_page():
    response = Client().get("/en/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"Page not found" in response.content
