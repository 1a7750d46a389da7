"""What the registry's import commands share: the file, ``--dry-run`` and ``--actor``, the progress bar, the report.

Each command names its import function and says what it imported; this module does the rest, so that
``import_transfers`` and ``import_patents`` read, refuse and report alike.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ip_registry.imports.parties import added_description
from techmarket.progress import ProgressBar


class ImportCommand(BaseCommand):
    sample = ""  # a sample file, for the help

    def importer(self, *, data: bytes, actor, dry_run: bool, progress):
        """Run the import; returns its result (``errors``, ``organisations``, ``dry_run``)."""
        raise NotImplementedError

    def summary(self, result) -> str:
        raise NotImplementedError

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help=f"The CSV file, e.g. {self.sample}.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Import the file with every check the ledger makes, count what would be written, then undo it all.",
        )
        parser.add_argument(
            "--actor",
            metavar="EMAIL",
            help="The platform staff member recorded as importing the entries (default: the system).",
        )

    def handle(self, *args, file: str, dry_run: bool, actor: str | None, **options) -> None:
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}) from None
        user = self.actor(actor) if actor else None
        bar = ProgressBar(self.stdout, _("Importing"))
        try:
            result = self.importer(data=data, actor=user, dry_run=dry_run, progress=bar.update)
        except PermissionDenied:
            raise CommandError(_("%(email)s may not record registry entries.") % {"email": actor}) from None
        finally:
            bar.clear()
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("%(count)d problem(s) found; nothing was written.") % {"count": len(result.errors)}
                if len(result.errors) > 1 or result.errors[0].row is not None
                else _("Nothing was written.")
            )
        self.stdout.write(self.style.SUCCESS(self.summary(result)))
        for organisation in result.organisations:
            self.stdout.write("  " + added_description(organisation, dry_run=result.dry_run))

    def actor(self, email: str):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(_("No user has the e-mail address %(email)s.") % {"email": email})
        return user
