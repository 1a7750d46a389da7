"""The demo market: the full plan's shape (checked in Python, no database), and a shortened plan seeded for real.

Seeding all 230 listings with their pictures takes longer than a test should,
so the database test seeds the first listings of a plan drawn on a shortened
registry; the plan tests check what the full seed would write.
"""

from collections import Counter
from decimal import Decimal
from importlib import import_module

import pytest

from demo import listings as demo
from demo import listings_plan as demo_plan
from demo import listings_text as demo_text
from demo import registry
from demo.accounts import DEMO_EMAIL_DOMAIN, SUPPLIERS
from demo.images import MOTIFS, demo_picture
from demo.management.commands import seed_demo
from demo.registry_plan import LAST_DAY, plan_patents
from ip_registry.choices import LegalStatus
from ip_registry.models import Patent
from ip_registry.numbers import PatentType
from listings.choices import PATENT_KINDS, DealMode, ListingKind, ListingStatus
from listings.models import DealTerm, Listing, ListingImage
from listings.validators import validate_deal_modes
from search.query import LISTINGS
from techmarket.audit.models import AuditEvent
from techmarket.regions.gbt2260 import YRD_PROVINCES
from tests.demo_seed import seed, seeded_demo

REGISTRY = plan_patents()
PLAN = demo_plan.plan_listings(patents=REGISTRY)
REGISTRY_BY_NUMBER = {patent.application_number: patent for patent in REGISTRY}
SUPPLIER_PROVINCES = {org.key: org.province for org in SUPPLIERS}

SMALL_PATENTS = 30
SMALL_LISTINGS = 24


# The full plan, without a database ------------------------------------------------------------------------------


def test_plan_is_the_same_every_time_and_a_short_plan_is_its_start():
    assert demo_plan.plan_listings(patents=REGISTRY) == PLAN
    assert demo_plan.plan_listings(40, patents=REGISTRY) == PLAN[:40]
    assert demo.STEPS[0].items == PLAN


def test_plan_has_200_published_listings_and_some_in_every_other_status():
    statuses = Counter(listing.status for listing in PLAN)
    assert statuses == {
        ListingStatus.PUBLISHED: 200,
        ListingStatus.DRAFT: 15,
        ListingStatus.SUBMITTED: 10,
        ListingStatus.SUSPENDED: 2,
        ListingStatus.WITHDRAWN: 2,
        ListingStatus.CLOSED: 1,
    }
    # The first listings take every status, so the short plan seeded below walks every path.
    assert {listing.status for listing in PLAN[:SMALL_LISTINGS]} == set(ListingStatus)
    assert any(listing.path == ("submit", "reject") and listing.reason for listing in PLAN)


def test_plan_spreads_over_the_fourteen_fields_the_four_provinces_and_the_kinds():
    fields = Counter(listing.field_slug for listing in PLAN)
    assert set(fields) == _field_slugs() and len(fields) == 14
    assert min(fields.values()) >= 5
    provinces = Counter(SUPPLIER_PROVINCES[listing.organisation] for listing in PLAN)
    assert set(provinces) == set(YRD_PROVINCES) and min(provinces.values()) >= 30
    kinds = Counter(listing.kind for listing in PLAN)
    assert set(kinds) == set(ListingKind)
    assert 0.3 <= (kinds[ListingKind.PATENT] + kinds[ListingKind.PORTFOLIO]) / len(PLAN) <= 0.5
    assert len({listing.organisation for listing in PLAN}) == len(SUPPLIERS)


def _field_slugs() -> set[str]:
    return {text.slug for text in demo_text.FIELDS.values()}


def test_fields_of_the_text_bank_are_those_of_the_managed_list():
    migration = import_module("techmarket.regions.migrations.0002_technology_fields")  # the list's first version
    assert {slug: name for slug, name, _en in migration.FIELDS} == {
        text.slug: text.name for text in demo_text.FIELDS.values()
    }
    assert {text.motif for text in demo_text.FIELDS.values()} <= set(MOTIFS)


def test_titles_are_distinct_and_read_like_real_ones():
    titles = [listing.title_zh for listing in PLAN]
    assert len(set(titles)) == len(titles)
    for listing in PLAN:
        assert 6 <= len(listing.title_zh) <= 120
        assert listing.summary_zh and listing.problem and listing.advantages and listing.applications
        assert len(listing.summary_zh) <= 2000
        if listing.kind == ListingKind.PATENT:
            (number,) = listing.patents
            assert listing.title_zh.startswith(REGISTRY_BY_NUMBER[number].title)
        elif listing.kind == ListingKind.SOFTWARE:
            assert listing.title_zh[-4:] in ("V1.0", "V2.0", "V3.0")
    english = [listing.title_en for listing in PLAN if listing.title_en]
    assert 0.1 * len(PLAN) <= len(english) <= 0.5 * len(PLAN)
    assert all(title[0].isupper() for title in english)


def test_patent_listings_offer_registry_patents_their_organisation_holds_each_once():
    used = Counter(number for listing in PLAN for number in listing.patents)
    assert used and max(used.values()) == 1
    for listing in PLAN:
        if listing.kind not in PATENT_KINDS:
            assert listing.patents == ()
            continue
        assert len(listing.patents) == 1 if listing.kind == ListingKind.PATENT else 2 <= len(listing.patents) <= 3
        modes = {term.mode for term in listing.terms}
        for number in listing.patents:
            patent = REGISTRY_BY_NUMBER[number]
            assert listing.organisation in demo_plan.final_holders(patent)
            assert patent.legal_status == LegalStatus.VALID and patent.patent_type != PatentType.DESIGN
            assert demo_text.FIELDS[patent.field].slug == listing.field_slug
            # Licensed or open to all at the end of the registry's history: no exclusive or sole licence on offer.
            if any(
                event.kind == "open_licence_declaration" or (event.kind == "licence" and event.term_end >= LAST_DAY)
                for event in patent.events
            ):
                assert not modes & {DealMode.EXCLUSIVE_LICENCE, DealMode.SOLE_LICENCE}, listing.title_zh


def test_deal_terms_follow_the_rules_with_realistic_prices():
    negotiable = 0
    for listing in PLAN:
        modes = [term.mode for term in listing.terms]
        assert 1 <= len(modes) <= 3
        validate_deal_modes(kind=listing.kind, modes=modes)  # open licence only on patents, never with exclusive/sole
        for term in listing.terms:
            if term.price is None:
                negotiable += 1
            elif term.mode != DealMode.OPEN_LICENCE:
                assert term.price % 10_000 == 0 and Decimal(50_000) <= term.price <= Decimal(30_000_000)
        if DealMode.OPEN_LICENCE in modes:
            # Offered on the terms the registry's declaration published.
            (number,) = listing.patents
            declared = next(
                e.details for e in REGISTRY_BY_NUMBER[number].events if e.kind == "open_licence_declaration"
            )
            (term,) = [term for term in listing.terms if term.mode == DealMode.OPEN_LICENCE]
            if declared["fee_type"] == "royalty":
                assert term.price is None and declared["fee"] in term.note
            else:
                assert term.price == Decimal(declared["fee"])
    assert 0.1 <= negotiable / sum(len(listing.terms) for listing in PLAN) <= 0.4
    assert sum(DealMode.OPEN_LICENCE in [t.mode for t in listing.terms] for listing in PLAN) >= 10


def test_readiness_levels_cluster_between_4_and_7_with_contacts_and_brokers():
    levels = Counter(listing.trl for listing in PLAN)
    assert sum(levels[level] for level in range(4, 8)) / len(PLAN) >= 0.6
    assert min(levels) <= 3 and max(levels) == 9
    for listing in PLAN:
        assert listing.contact.name.endswith("老师")
        assert listing.contact.email.endswith(f"@{DEMO_EMAIL_DOMAIN}")
    assert 10 <= sum(listing.broker for listing in PLAN) <= 50
    published = [listing for listing in PLAN if listing.status == ListingStatus.PUBLISHED]
    assert all(1 <= listing.image_count <= 3 for listing in published)


def test_pictures_are_reproducible_jpegs():
    picture = demo_picture("circuit", (31, 78, 121), 7)
    assert picture[:3] == b"\xff\xd8\xff" and picture == demo_picture("circuit", (31, 78, 121), 7)
    assert picture != demo_picture("circuit", (31, 78, 121), 8)
    assert len(picture) < 150_000


# A shortened plan in the database --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_market(django_db_setup, django_db_blocker, tmp_path_factory):
    """The first listings of a plan drawn on a shortened registry, seeded once for the module with their pictures.

    The demands and inquiries have their own test.
    """
    with seeded_demo(
        django_db_blocker,
        media=tmp_path_factory.mktemp("demo-media"),
        registry=registry.steps(patent_count=SMALL_PATENTS),
        listings=demo.steps(listing_count=SMALL_LISTINGS, patent_count=SMALL_PATENTS),
        market=(),
    ) as world:
        yield world


def _counts() -> dict[str, int]:
    return {
        "listings": Listing.objects.count(),
        "terms": DealTerm.objects.count(),
        "images": ListingImage.objects.count(),
        "audit events": AuditEvent.objects.count(),
    }


@pytest.mark.django_db
def test_seed_writes_the_plan_through_the_services_and_a_second_run_adds_nothing(small_market, settings):
    order = [id(step) for step in seed_demo.demo_steps()]
    assert order.index(id(demo.STEPS[0])) > order.index(id(registry.STEPS[-1]))
    small_plan = demo.STEPS[0].items
    settings.MEDIA_ROOT = media_root = small_market.media
    output = small_market.output
    label = demo.STEPS[0].label
    assert f"{label} {SMALL_LISTINGS}/{SMALL_LISTINGS} ({SMALL_LISTINGS} new, 0 already there)" in output

    planned = Counter(listing.status for listing in small_plan)
    assert Counter(Listing.objects.values_list("status", flat=True)) == planned
    assert set(planned) == set(ListingStatus)

    # Patent listings name patents their organisation holds in the registry, each patent in one listing only.
    patent_listings = Listing.objects.filter(kind__in=PATENT_KINDS).prefetch_related("patents")
    assert patent_listings.count() == sum(listing.kind in PATENT_KINDS for listing in small_plan) > 0
    seen = set()
    for listing in patent_listings:
        numbers = {patent.application_number for patent in listing.patents.all()}
        held = set(Patent.objects.held_by(listing.organisation).values_list("application_number", flat=True))
        assert numbers and numbers <= held, listing.title_zh
        assert not numbers & seen
        seen |= numbers
        assert listing.ipc_codes  # copied from its patents
    assert not Listing.objects.exclude(kind__in=PATENT_KINDS).filter(patents__isnull=False).exists()

    # Every listing is written by a member of its organisation and moved by the platform; the log has it all.
    for listing in Listing.objects.select_related("created_by", "organisation"):
        assert listing.organisation.memberships.active().filter(user=listing.created_by).exists()
        actions = set(AuditEvent.objects.for_object(listing).values_list("action", flat=True))
        assert "listing.create" in actions
        if listing.status == ListingStatus.PUBLISHED:
            assert {"listing.submit", "listing.approve", "listing.image_add"} <= actions
            assert listing.published_at is not None
    suspended = Listing.objects.get(status=ListingStatus.SUSPENDED)
    assert suspended.moderation_note in demo_text.SUSPENSION_REASONS
    assert Listing.objects.filter(broker__user__email="broker@demo.techmarket.cn").count() == sum(
        listing.broker for listing in small_plan
    )

    # Pictures: one to three on each published listing, cleaned, with both renditions written to disk.
    for listing in Listing.objects.filter(status=ListingStatus.PUBLISHED).prefetch_related("images"):
        assert 1 <= len(listing.images.all()) <= 3
    images = list(ListingImage.objects.all())
    assert len(images) == sum(listing.image_count for listing in small_plan)
    for image in images:
        assert (image.width, image.height) == (800, 600)
        assert set(image.renditions) == {"thumb", "detail"}
        for name in image.stored_names():
            assert (media_root / name).is_file(), name

    # Spread over the Delta and the fields.
    public = Listing.objects.public()
    assert set(public.values_list("province", flat=True)) == set(YRD_PROVINCES)
    assert public.values("field").distinct().count() >= 8

    # seed_demo indexed what it seeded: the search index holds every listing it should, and no other.
    listings_index = small_market.index[LISTINGS]
    assert listings_index["indexed"] == listings_index["database"] > 0
    assert not listings_index["missing"] and not listings_index["extra"]

    before = _counts()
    files = sorted(path for path in media_root.rglob("*") if path.is_file())
    output = seed()
    assert _counts() == before
    assert sorted(path for path in media_root.rglob("*") if path.is_file()) == files
    assert f"{label} {SMALL_LISTINGS}/{SMALL_LISTINGS} (0 new, {SMALL_LISTINGS} already there)" in output
