"""``manage.py verify_registry``: recompute the ledger's hash chain, recount the transfer tallies, rehash the documents.

Exits 1 naming the first broken entry, the tallies that disagree with the ledger, or the supporting documents
whose file is missing or no longer matches the hash on its entry.
"""

from django.core.management.base import BaseCommand, CommandError

from ip_registry.documents import documents_not_matching
from ip_registry.models import RegistryEntry
from ip_registry.selectors import ChainStatus, ledger_verify
from ip_registry.tallies import tally_differences
from techmarket.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Recompute every registry entry's hash in order and report the first entry that was changed by hand; "
        "then recount the monthly transfer tallies the statistics use."
    )

    def handle(self, *args, **options) -> None:
        bar = ProgressBar(self.stdout, "Checking the chain", RegistryEntry.objects.count())
        status = ChainStatus(0)
        for step in ledger_verify():
            if isinstance(step, ChainStatus):
                status = step
            else:
                bar.update(step)
        bar.clear()
        if not status.intact:
            where = (
                f"entry #{status.broken.sequence} ({status.broken.get_kind_display()}, "
                f"patent {status.broken.patent.application_number})"
                if status.broken
                else "the ledger head"
            )
            raise CommandError(
                f"Registry chain broken at {where}: {status.reason}. {status.checked} entries before it are intact."
            )
        differences = tally_differences()
        if differences:
            first = differences[0]
            month, kind, source, target, cross, section = first.cell
            raise CommandError(
                f"Registry chain intact ({status.checked} entries), but the transfer tallies disagree with the ledger "
                f"in {len(differences)} cell(s); the first: {month:%Y-%m} {kind} {source or '-'} -> {target or '-'} "
                f"(cross-province: {'yes' if cross else 'no'}, IPC section {section or '-'}) tallies "
                f"{first.tallied} but the ledger has {first.in_ledger}. "
                "Run `manage.py rebuild_transfer_tallies` to recount them."
            )
        broken_documents = documents_not_matching()
        if broken_documents:
            raise CommandError(
                f"Registry chain intact ({status.checked} entries), but {len(broken_documents)} supporting "
                "document(s) are missing or no longer match the hash on their entry: "
                + ", ".join(f"entry #{document.entry.sequence} ({document.file.name})" for document in broken_documents)
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Registry chain intact: {status.checked} entries verified; the transfer tallies agree with them, "
                "and the supporting documents with their hashes."
            )
        )
