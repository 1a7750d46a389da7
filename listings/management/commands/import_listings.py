"""``manage.py import_listings --org CREDIT_CODE FILE.csv``: a university's listings from a CSV file, as drafts."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from listings import permissions
from listings.exceptions import ListingError
from listings.services.imports import COLUMNS, REQUIRED_COLUMNS, ImportReport, listings_import
from techmarket.accounts.models import Organisation
from techmarket.accounts.validators import normalize_credit_code
from techmarket.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Import listings of a verified university or research institute from a CSV file (UTF-8 or GB18030) as "
        "drafts the organisation then reviews and submits. Required columns: "
        + ", ".join(COLUMNS[name][0] for name in REQUIRED_COLUMNS)
        + ". Every row is checked; if any is bad, each bad row is listed and nothing is written. The format is "
        "described in listings/services/imports.py; listings/samples/listings_example.csv is an example file."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The CSV file, e.g. listings/samples/listings_example.csv.")
        parser.add_argument(
            "--org",
            required=True,
            metavar="CREDIT_CODE",
            help="The unified social credit code of the university or institute whose listings these are.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and create every listing, report, then undo it all."
        )

    def handle(self, *args, file: str, org: str, dry_run: bool, **options) -> None:
        organisation = self.organisation(org)
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}) from None
        bar = ProgressBar(self.stdout, _("Importing"))
        try:
            report = listings_import(
                actor=None,
                organisation=organisation,
                data=data,
                filename=Path(file).name,
                dry_run=dry_run,
                progress=bar.update,
            )
        except ListingError as error:
            raise CommandError(str(error)) from None
        finally:
            bar.clear()
        if report.ignored_columns:
            columns = ", ".join(report.ignored_columns)
            self.stderr.write(_("Columns not imported (unknown headers): %(columns)s") % {"columns": columns})
        if report.errors:
            for error in report.errors:
                self.stderr.write(str(error))
            if report.file_errors:
                raise CommandError(_("Nothing was written."))
            raise CommandError(self.failure(report))
        self.stdout.write(self.style.SUCCESS(self.summary(report, organisation)))
        for title in report.created:
            self.stdout.write(f"  {title}")

    def organisation(self, code: str) -> Organisation:
        organisation = Organisation.objects.filter(credit_code=normalize_credit_code(code)).first()
        if organisation is None:
            raise CommandError(_("No organisation has the credit code %(code)s.") % {"code": code})
        if not permissions.is_supplier(organisation):
            raise CommandError(
                _("%(org)s is not a verified university or research institute, so it cannot list technologies.")
                % {"org": organisation.name_zh}
            )
        return organisation

    @staticmethod
    def failure(report: ImportReport) -> str:
        bad = len(report.bad_rows)
        return ngettext(
            "%(bad)d of %(rows)d rows has problems; nothing was written.",
            "%(bad)d of %(rows)d rows have problems; nothing was written.",
            bad,
        ) % {"bad": bad, "rows": len(report.rows)}

    @staticmethod
    def summary(report: ImportReport, organisation: Organisation) -> str:
        values = {"count": len(report.created), "org": organisation.name_zh}
        if report.dry_run:
            return (
                ngettext(
                    "Dry run: the row is valid; %(count)d draft listing of %(org)s would be created. "
                    "Nothing was written.",
                    "Dry run: every row is valid; %(count)d draft listings of %(org)s would be created. "
                    "Nothing was written.",
                    len(report.created),
                )
                % values
            )
        return (
            ngettext(
                "%(count)d draft listing of %(org)s created; its members review it and submit it for publication.",
                "%(count)d draft listings of %(org)s created; its members review them and submit them for publication.",
                len(report.created),
            )
            % values
        )
