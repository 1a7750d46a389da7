"""The same file confirmed twice at the same moment (a double click): the organisation lock lets one import win."""

import threading

import pytest
from django.db import close_old_connections, connection

from listings.models import Listing
from listings.services.imports import listings_import
from tests.factories import declare_open_licence, university_in

from .test_imports import SAMPLE, SAMPLE_NUMBERS, SAMPLE_TITLES, register

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL's row locks; SQLite serialises whole-database writes instead",
    ),
]


def test_two_concurrent_imports_of_one_file_create_its_listings_once():
    university = university_in("310000", name_zh="复旦大学")
    patents = [register(number, university) for number in SAMPLE_NUMBERS]
    declare_open_licence(patents[3:])  # the sample offers an open licence of its fourth patent
    data = SAMPLE.read_bytes()
    start = threading.Barrier(2)
    reports = []

    def run():
        try:
            start.wait()
            reports.append(listings_import(actor=None, organisation=university, data=data))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(report.ok for report in reports) == [False, True], [report.errors for report in reports]
    assert sorted(Listing.objects.values_list("title_zh", flat=True)) == sorted(SAMPLE_TITLES)
