"""Index upkeep as a background task: enqueued after a transaction commits (see ``signals.py``)."""

from django_tasks import task

from . import indexing
from .query import DEMANDS, LISTINGS


@task()
def update_search_index(listing_ids: list[int], demand_ids: list[int]) -> None:
    indexing.sync(LISTINGS, listing_ids)
    indexing.sync(DEMANDS, demand_ids)
