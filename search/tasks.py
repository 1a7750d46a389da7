"""Background tasks: index upkeep, enqueued after a transaction commits (see ``signals.py``), and the daily alerts."""

from django_tasks import task

from techmarket import pagecache

from . import indexing
from .alerts import send_search_alerts
from .query import DEMANDS, LISTINGS


@task()
def update_search_index(listing_ids: list[int], demand_ids: list[int]) -> None:
    indexing.sync(LISTINGS, listing_ids)
    indexing.sync(DEMANDS, demand_ids)
    # Pages cached for visitors while this task waited in the queue show the index as it was: forget them.
    pagecache.pages_changed()


@task()
def send_search_alerts_task() -> int:
    """The daily alerts of saved searches; returns the number of e-mails queued."""
    return send_search_alerts()
