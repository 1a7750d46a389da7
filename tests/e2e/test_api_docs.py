"""A partner's developer reads the API docs: the search operation shows its answers by example, errors included."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_docs_show_searchs_answer_and_its_error_body_by_example(live_server, page, screenshot):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/api/v1/docs/")
    search = page.locator("#operations-search-search_listings")
    search.locator(".opblock-summary").click()

    responses = search.locator(".responses-table")
    expect(responses.locator("tr.response[data-code='400']")).to_contain_text("999999 不在可用的选项中")
    expect(responses.locator("tr.response[data-code='200']")).to_contain_text("锂<mark>电池</mark>")
    for status in ("403", "429", "500", "503"):
        expect(responses.locator(f"tr.response[data-code='{status}']")).to_be_visible()
    screenshot("api-docs-search")
    assert errors == []
