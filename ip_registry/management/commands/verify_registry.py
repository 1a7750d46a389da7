"""``manage.py verify_registry``: recompute the ledger's hash chain, recount what the statistics count, rehash the
supporting documents.

Exits 1 naming the first broken entry, the transfers, tallies or joint applications that disagree with the
ledger, or the supporting documents whose file is missing or no longer matches the hash on its entry.
"""

from django.core.management.base import BaseCommand, CommandError

from ip_registry.documents import documents_not_matching
from ip_registry.models import RegistryEntry
from ip_registry.selectors import ChainStatus, ledger_verify
from ip_registry.tallies import Differences, registry_differences
from techmarket.progress import ProgressBar

REBUILD = "Run `manage.py rebuild_transfer_tallies` to recount them."


class Command(BaseCommand):
    help = (
        "Recompute every registry entry's hash in order and report the first entry that was changed by hand; "
        "then recount the transfers, monthly tallies and joint applications the statistics use."
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
        differences = registry_differences()
        if differences:
            raise CommandError(f"Registry chain intact ({status.checked} entries), but {describe(differences)}")
        broken_documents = documents_not_matching()
        if broken_documents:
            raise CommandError(
                f"Registry chain intact ({status.checked} entries), but {len(broken_documents)} supporting "
                "document(s) are missing or no longer match the hash on their entry: "
                + ", ".join(f"entry #{document.entry.sequence} ({document.file.name})" for document in broken_documents)
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Registry chain intact: {status.checked} entries verified; the transfers, transfer tallies and "
                "joint applications agree with them, and the supporting documents with their hashes."
            )
        )


def describe(differences: Differences) -> str:
    """What disagrees, with the first difference of each table."""
    parts = []
    if differences.tallies:
        first = differences.tallies[0]
        month, kind, source, target, cross, section = first.cell
        parts.append(
            f"the transfer tallies disagree with the ledger in {len(differences.tallies)} cell(s); the first: "
            f"{month:%Y-%m} {kind} {source or '-'} -> {target or '-'} (cross-province: {'yes' if cross else 'no'}, "
            f"IPC section {section or '-'}) tallies {first.tallied} but the ledger has {first.in_ledger}."
        )
    for name, rows in (("transfers", differences.transfers), ("joint applications", differences.joint_applications)):
        if rows:
            first = rows[0]
            patent, *key = first.key
            parts.append(
                f"the {name} disagree with the ledger in {len(rows)} row(s); the first: patent id {patent} "
                f"{' '.join(str(part) for part in key)} is {first.recorded or 'missing'} but the ledger makes it "
                f"{first.in_ledger or 'nothing'}."
            )
    return " ".join([*parts, REBUILD])
