"""``manage.py import_patents FILE.csv``: CNIPA bibliographic data (who applied for which patent) into the registry."""

from ip_registry.imports.patents import PatentImportResult, patents_import

from ._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import CNIPA bibliographic data (申请号, 申请日, 名称, 申请（专利权）人, 法律状态; optionally 地址, "
        "IPC分类号, 授权公告日; UTF-8 or GB18030 CSV): each patent with its applicants. Every row is checked "
        "first; if any is bad, each bad row is listed and nothing is written. Importing the same file again adds "
        "nothing. The columns are described in ip_registry/imports/patents.py; "
        "ip_registry/samples/patents-sample.csv is an example file."
    )
    sample = "ip_registry/samples/patents-sample.csv"

    def importer(self, **kwargs) -> PatentImportResult:
        return patents_import(**kwargs)

    @staticmethod
    def summary(result: PatentImportResult) -> str:
        return result.summary()
