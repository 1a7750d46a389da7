"""The demo's clock: services that stamp the time (payments, notices, audit rows) see a planned day instead of today.

The registry's demo history is planned day by day (``demo.registry_plan``), and the licensing services take their
dates from ``on=``; but a payment records when it was made and a notice when it was confirmed with
``timezone.now()``. While seeding a planned day, :func:`demo_clock` makes ``django.utils.timezone.now`` answer that
day (at ten in the morning, Beijing time), so a licence paid in the plan's 2023 is paid, confirmed, in force and on
the registry in 2023, as the dashboard counts it. Nothing else changes: the services run as they always do.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

DEMO_HOUR = datetime.time(10, 0)


def demo_moment(day: datetime.date) -> datetime.datetime:
    """Ten in the morning of ``day`` in the site's time zone, as an aware datetime."""
    return datetime.datetime.combine(day, DEMO_HOUR, tzinfo=ZoneInfo(settings.TIME_ZONE))


@contextmanager
def demo_clock(day: datetime.date) -> Iterator[datetime.datetime]:
    """Within the block, ``timezone.now()`` is ten in the morning of ``day`` (``auto_now`` fields included)."""
    moment = demo_moment(day)
    with mock.patch.object(timezone, "now", return_value=moment):
        yield moment
