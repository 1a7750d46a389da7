from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from search import indexing
from search.backends import SearchUnavailable, get_backend

SHOWN = 10


class Command(BaseCommand):
    help = "Show the search backend and, per index, the documents in the index and in the database."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Exit with status 1 if the index and database differ.")

    def handle(self, *args, check=False, **options):
        self.stdout.write(_("Backend: %(backend)s") % {"backend": get_backend()})
        try:
            report = indexing.status()
        except SearchUnavailable as error:
            raise CommandError(_("The search backend cannot be read: %(error)s") % {"error": error}) from error
        differs = False
        for index, row in report.items():
            self.stdout.write(
                _("%(index)s: %(indexed)s in the index, %(database)s in the database")
                % {"index": index, "indexed": f"{row['indexed']:,}", "database": f"{row['database']:,}"}
            )
            for key, label in (("missing", _("missing from the index")), ("extra", _("in the index only"))):
                ids = row[key]
                if ids:
                    differs = True
                    shown = ", ".join(str(id) for id in ids[:SHOWN]) + (" …" if len(ids) > SHOWN else "")
                    self.stdout.write(f"  {label} ({len(ids):,}): {shown}")
        if differs:
            self.stdout.write(_("Run `manage.py rebuild_search_index` to bring the index up to date."))
            if check:
                raise CommandError(_("The index and the database differ."))
        else:
            self.stdout.write(self.style.SUCCESS(_("The index matches the database.")))
