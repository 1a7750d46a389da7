"""``manage.py rebuild_transfer_tallies``: recount what the statistics count from the ledger.

The transfers (one per patent, kind and registration day), their monthly
tallies, and the joint applications read from the applicants at filing.
"""

import time

from django.core.management.base import BaseCommand

from ip_registry.tallies import tally_rebuild


class Command(BaseCommand):
    help = (
        "Recount the transfers, monthly transfer tallies and joint applications behind the registry statistics "
        "from the ledger, e.g. after verify_registry found that they disagree."
    )

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        rebuilt = tally_rebuild()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Transfer tallies recounted: {rebuilt.transfers} transfers in {rebuilt.cells} cells, "
                f"{rebuilt.joint_applications} joint application rows, in {elapsed:.1f} s."
            )
        )
