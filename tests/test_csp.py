"""Every page carries a Content-Security-Policy: the site's own scripts and styles only; the admin sites get what
their templates need on their own paths, and no page of the site has it. (tests/e2e/test_csp.py loads the pages in
Chromium and watches for violations.)"""

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, make_listing

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.fixture
def listing():
    return make_listing(OrganisationFactory(kind="university"), status="published")


SITE_PAGES = [
    "/",
    "/en/",
    "/listings/",
    "listing",
    "/search/?q=电池",
    "/registry/",
    "/demands/",
    "/organisations/",
    "sign-in",
]


@pytest.mark.parametrize("path", SITE_PAGES)
def test_each_page_of_the_site_carries_the_strict_policy(client, listing, path):
    path = {"listing": listing.get_absolute_url(), "sign-in": reverse("accounts:login")}.get(path, path)

    response = client.get(path)

    assert response.status_code == 200, path
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert directives["base-uri"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_error_pages_carry_it_too(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert policy(response)["script-src"] == ["'self'"]


@pytest.mark.parametrize("path", ["/django-admin/login/", "/api/v1/docs/"])
def test_the_django_admin_and_the_api_docs_need_nothing_more(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert policy(response)["script-src"] == ["'self'"]
    assert policy(response)["style-src"] == ["'self'"]


def test_only_the_wagtail_admin_may_run_inline_scripts_on_its_own_paths(client):
    response = client.get("/cms-admin/login/")

    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]


def test_the_api_docs_load_their_start_up_script_and_styles_as_files(client):
    html = client.get("/api/v1/docs/").content.decode()
    assert "<script>" not in html and "<style" not in html
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
