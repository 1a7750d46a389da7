"""The page tree the migration builds, and which page may go where."""

import importlib

import pytest
from django.apps import apps
from wagtail.models import Page, Site

from cms.models import EventPage, HomePage, NewsIndexPage, NewsPage, PolicyPage, StandardPage

pytestmark = pytest.mark.django_db


def test_the_default_site_starts_at_the_home_page_with_its_three_indexes(home):
    assert isinstance(home, HomePage) and home.live
    assert home.url == "/"
    children = {page.slug: (page.specific_class.__name__, page.url) for page in home.get_children().live()}
    assert children == {
        "news": ("NewsIndexPage", "/news/"),
        "policies": ("PolicyIndexPage", "/policies/"),
        "events": ("EventIndexPage", "/events/"),
    }
    # Wagtail's placeholder "Welcome" page is gone; the tree is valid for treebeard.
    assert Page.objects.filter(depth=2).count() == 1
    assert Page.find_problems() == ([], [], [], [], [])


def test_building_again_changes_nothing(home):
    build = importlib.import_module("cms.migrations.0002_page_tree").build
    before = list(Page.objects.values_list("pk", "path", "numchild"))
    build(apps, None)
    assert list(Page.objects.values_list("pk", "path", "numchild")) == before


def test_after_a_flush_the_tree_is_built_from_nothing(home):
    """What tests/conftest.py relies on before a transactional test: every table empty, the tree made again."""
    Site.objects.all().delete()
    Page.objects.all().delete()
    importlib.import_module("cms.migrations.0002_page_tree").build(apps, None)
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert site.root_page.get_children().count() == 3
    assert Page.find_problems() == ([], [], [], [], [])


def test_pages_go_only_where_they_belong(home, news_index):
    assert not HomePage.can_create_at(home)  # one home page
    assert not NewsIndexPage.can_create_at(home)  # one news index
    assert NewsPage.can_create_at(news_index) and not NewsPage.can_create_at(home)
    assert not PolicyPage.can_create_at(news_index) and not EventPage.can_create_at(news_index)
    assert StandardPage.can_create_at(home)
