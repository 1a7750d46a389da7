"""``manage.py import_transfers FILE.csv``: record CNIPA's patent assignment records in the registry, all or nothing."""

from django.utils.translation import gettext as _

from ip_registry.imports import ImportResult, transfers_import

from ._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import patent assignment records (转让人, 受让人, 申请号, 转让执行日, 转让登记日 or 生效日, 当前法律状态; "
        "UTF-8 or GB18030 CSV). Every row is checked first; if any is bad, each bad row is listed and nothing is "
        "written. Importing the same file again adds nothing. The optional columns are described in "
        "ip_registry/imports/__init__.py; ip_registry/samples/transfers-sample.csv is an example file."
    )
    sample = "ip_registry/samples/transfers-sample.csv"

    def importer(self, **kwargs) -> ImportResult:
        return transfers_import(**kwargs)

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
