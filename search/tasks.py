"""Index upkeep as a background task: enqueued after a transaction commits (see ``signals.py``)."""

from django_tasks import task

from listings import pagecache

from . import indexing
from .query import DEMANDS, LISTINGS


@task()
def update_search_index(listing_ids: list[int], demand_ids: list[int]) -> None:
    indexing.sync(LISTINGS, listing_ids)
    indexing.sync(DEMANDS, demand_ids)
    # Pages cached for visitors while this task waited in the queue show the index as it was: forget them.
    pagecache.pages_changed()
