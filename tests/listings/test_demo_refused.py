"""The demo market's seed step refuses a patent listing whose organisation does not hold the patent.

Its own module: it needs the demo's organisations without the registry, a
different seed from the one ``test_demo.py`` shares between its tests.
"""

import pytest

from demo import listings as demo
from demo import listings_plan as demo_plan
from listings.choices import ListingKind
from listings.models import Listing
from tests.demo_seed import seeded_demo


@pytest.fixture(scope="module")
def demo_accounts(django_db_setup, django_db_blocker):
    with seeded_demo(django_db_blocker, registry=(), listings=(), market=()) as world:  # organisations, no registry
        yield world


@pytest.mark.django_db
def test_a_patent_listing_is_refused_when_its_organisation_does_not_hold_the_patent(demo_accounts):
    planned = next(listing for listing in demo_plan.plan_listings() if listing.kind == ListingKind.PATENT)
    with pytest.raises(demo.DemoDataError, match=planned.patents[0]):
        demo.seed_listing(planned)
    assert not Listing.objects.exists()
