"""``manage.py import_transfers FILE.csv``: record CNIPA's patent assignment records in the registry, all or nothing."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ip_registry.imports import ImportResult, transfers_import
from techmarket.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Import patent assignment records (转让人, 受让人, 申请号, 转让执行日, 转让登记日 or 生效日, 当前法律状态; "
        "UTF-8 or GB18030 CSV). Every row is checked first; if any is bad, each bad row is listed and nothing is "
        "written. Importing the same file again adds nothing. The optional columns are described in "
        "ip_registry/imports/__init__.py; ip_registry/samples/transfers-sample.csv is an example file."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The CSV file, e.g. ip_registry/samples/transfers-sample.csv.")
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
            result = transfers_import(data=data, actor=user, dry_run=dry_run, progress=bar.update)
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
            self.stdout.write("  " + self.added(organisation, result.dry_run))

    def actor(self, email: str):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(_("No user has the e-mail address %(email)s.") % {"email": email})
        return user

    @staticmethod
    def added(organisation, dry_run: bool) -> str:
        place = organisation.province_name + (" " + organisation.city_name if organisation.city else "")
        values = {"name": organisation.name_zh, "place": place}
        if organisation.credit_code:
            return (_("Would add %(name)s (%(place)s)") if dry_run else _("Added %(name)s (%(place)s)")) % values
        return (
            _("Would add %(name)s (%(place)s), without a credit code until someone from it registers")
            if dry_run
            else _("Added %(name)s (%(place)s), without a credit code until someone from it registers")
        ) % values

    @staticmethod
    def summary(result: ImportResult) -> str:
        counts = {
            "rows": result.rows,
            "created": result.created,
            "skipped": result.skipped,
            "patents": result.patents_created,
            "organisations": result.organisations_created,
            "statuses": result.statuses_updated,
        }
        if result.dry_run:
            return (
                _(
                    "Dry run: %(rows)d rows are valid; %(created)d assignments would be imported, %(skipped)d are "
                    "already there; %(patents)d patents and %(organisations)d organisations would be added, "
                    "%(statuses)d legal statuses updated. Nothing was written."
                )
                % counts
            )
        return (
            _(
                "%(rows)d rows: %(created)d assignments imported, %(skipped)d already there; %(patents)d patents and "
                "%(organisations)d organisations (awaiting verification) added, %(statuses)d legal statuses updated."
            )
            % counts
        )
