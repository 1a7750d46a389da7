"""``manage.py rebuild_transfer_tallies``: recount the statistics' monthly transfer tallies from the ledger."""

import time

from django.core.management.base import BaseCommand

from ip_registry.tallies import tally_rebuild


class Command(BaseCommand):
    help = (
        "Recount the monthly transfer tallies behind the registry statistics from the ledger, "
        "e.g. after verify_registry found that they disagree."
    )

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        cells = tally_rebuild()
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Transfer tallies recounted: {cells} cells in {elapsed:.1f} s."))
