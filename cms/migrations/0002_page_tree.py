"""The page tree the site starts with: the home page at the root of the default site, and the news, policy and
event indexes under it, in place of Wagtail's placeholder "Welcome" page.

``build`` also runs before transactional tests (tests/conftest.py), after a flush has emptied every table, so it
makes the root page, the locale and the site too when they are missing, and does nothing when the home page is
already there.
"""

from django.db import migrations
from django.utils import timezone

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's, as Wagtail's pages use it, four characters a step
HOME = {"title": "长三角技术转移市场", "slug": "home"}
INDEXES = [
    ("newsindexpage", {"title": "新闻动态", "slug": "news", "intro": "平台与长三角技术转移的最新消息。"}),
    ("policyindexpage", {"title": "政策文件", "slug": "policies", "intro": "国家和长三角各地关于技术转移的政策文件。"}),
    ("eventindexpage", {"title": "活动", "slug": "events", "intro": "路演、对接会和成果拍卖。"}),
]


def _step(number: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits.rjust(4, "0")


def _position(step: str) -> int:
    return int(step, len(ALPHABET))


def _content_type(apps, app_label: str, model: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]


def _root(apps, locale):
    Page = apps.get_model("wagtailcore", "Page")
    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is None:
        root = Page.objects.create(
            title="Root",
            draft_title="Root",
            slug="root",
            path=_step(1),
            depth=1,
            numchild=0,
            url_path="/",
            content_type=_content_type(apps, "wagtailcore", "page"),
            locale=locale,
        )
    return root


def _add_child(apps, parent, model: str, fields: dict, now):
    Page = apps.get_model("wagtailcore", "Page")
    Model = apps.get_model("cms", model)
    last = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("-path").first()
    position = _position(last.path[-4:]) + 1 if last else 1
    page = Model.objects.create(
        draft_title=fields["title"],
        path=parent.path + _step(position),
        depth=parent.depth + 1,
        numchild=0,
        url_path=f"{parent.url_path}{fields['slug']}/",
        content_type=_content_type(apps, "cms", model),
        locale_id=parent.locale_id,
        live=True,
        has_unpublished_changes=False,
        first_published_at=now,
        last_published_at=now,
        **fields,
    )
    children = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    Page.objects.filter(pk=parent.pk).update(numchild=children.count())
    return page


def build(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("cms", "HomePage")
    if HomePage.objects.exists():
        return
    locale = Locale.objects.get_or_create(language_code="zh-hans")[0]
    root = _root(apps, locale)
    # Wagtail's placeholder, which its own migration puts at the root of the default site (the site goes with it).
    Page.objects.filter(depth=2, slug="home", content_type=_content_type(apps, "wagtailcore", "page")).delete()
    root.refresh_from_db()
    now = timezone.now()
    home = _add_child(apps, root, "homepage", HOME, now)
    for model, fields in INDEXES:
        _add_child(apps, home, model, fields, now)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, site_name=HOME["title"], root_page=home, is_default_site=True)
    else:
        Site.objects.filter(pk=site.pk).update(root_page=home)


class Migration(migrations.Migration):
    dependencies = [("cms", "0001_initial")]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
