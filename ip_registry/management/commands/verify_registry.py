"""``manage.py verify_registry``: recompute the ledger's hash chain; exit 1 naming the first broken entry."""

from django.core.management.base import BaseCommand, CommandError

from ip_registry.models import RegistryEntry
from ip_registry.selectors import ChainStatus, ledger_verify


class Command(BaseCommand):
    help = "Recompute every registry entry's hash in order and report the first entry that was changed by hand."

    def handle(self, *args, **options) -> None:
        total = RegistryEntry.objects.count()
        tty = self.stdout.isatty()
        status = ChainStatus(0)
        for step in ledger_verify():
            if isinstance(step, ChainStatus):
                status = step
            elif tty:
                self.stdout.write(f"\rChecked {step}/{total}", ending="")
                self.stdout.flush()
        if tty:
            self.stdout.write("\r", ending="")
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
        self.stdout.write(self.style.SUCCESS(f"Registry chain intact: {status.checked} entries verified."))
