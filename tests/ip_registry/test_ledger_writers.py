"""The ledger is written only through the registry's services: a scan of the project's code says where it is written.

Every write to the ledger (a new entry, the ledger head) must go through
``ip_registry/services.py``, whose ``_append`` hashes and chains each entry under
the head's lock; the clerks' forms, the imports and other apps call those
services. This test reads every module of the project (not the tests, the
benchmarks or the migrations, which build their own data) and fails on any
other place that constructs an entry, writes one through a manager or a
queryset, or names the ledger's tables in SQL. It also checks that it does
find the one place that writes, so it cannot pass by finding nothing.
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LEDGER_MODELS = {"RegistryEntry", "LedgerHead"}
WRITES = {"create", "bulk_create", "get_or_create", "update_or_create", "update", "bulk_update", "delete", "save"}
TABLES = ("ip_registry_registryentry", "ip_registry_ledgerhead")
SERVICES = "ip_registry/services.py"
# Outside the project's code: tests, benchmarks (their own throwaway databases) and migrations (the head's seed).
SKIPPED = ("tests/", "bench/", ".venv/")


def project_modules() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=False)
    paths = listed.stdout.split() if listed.returncode == 0 else [str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py")]
    return [
        ROOT / path
        for path in paths
        if not path.startswith(SKIPPED) and "/migrations/" not in path and (ROOT / path).exists()
    ]


def _names(node: ast.AST) -> set[str]:
    """Every name along an expression such as ``RegistryEntry.objects.filter(...).update``."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)
    }


def ledger_writes(source: str) -> list[tuple[int, str]]:
    """(line, what) for each place in the source that writes the ledger."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in LEDGER_MODELS:
                found.append((node.lineno, f"{name}(...)"))
            elif name in WRITES and isinstance(func, ast.Attribute) and _names(func.value) & LEDGER_MODELS:
                found.append((node.lineno, f"{ast.unparse(func)}(...)"))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and any(table in node.value.lower() for table in TABLES)
        ):
            found.append((node.lineno, "SQL naming a ledger table"))
    return found


def test_the_scan_finds_the_services_own_writes():
    writes = ledger_writes((ROOT / SERVICES).read_text(encoding="utf-8"))
    what = [description for _line, description in writes]

    assert "RegistryEntry(...)" in what  # in _append, the one place an entry is made
    assert what.count("RegistryEntry(...)") == 1
    assert any("LedgerHead.objects.select_for_update().get_or_create" in description for description in what)


@pytest.mark.parametrize(
    "source",
    [
        "RegistryEntry(patent=patent, kind='grant').save()",
        "models.RegistryEntry.objects.create(patent=patent)",
        "RegistryEntry.objects.filter(pk=1).update(hash='')",
        "LedgerHead.objects.update(sequence=0)",
        "cursor.execute('INSERT INTO ip_registry_registryentry VALUES (1)')",
    ],
)
def test_the_scan_catches_writes_around_the_services(source):
    assert ledger_writes(source)


def test_reads_are_not_writes():
    assert not ledger_writes("RegistryEntry.objects.filter(kind='licence').count(); entry.patent.save()")


def test_the_ledger_is_written_only_through_the_registrys_services():
    modules = project_modules()
    assert any(path.as_posix().endswith(SERVICES) for path in modules)
    elsewhere = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in modules
        if not path.as_posix().endswith(SERVICES)
        for line, what in ledger_writes(path.read_text(encoding="utf-8"))
    ]

    assert elsewhere == [], "write the ledger through ip_registry.services, not here"


def test_nothing_outside_the_services_calls_their_private_append():
    callers = [
        str(path.relative_to(ROOT))
        for path in project_modules()
        if not path.as_posix().endswith(SERVICES) and "_append(" in path.read_text(encoding="utf-8")
    ]

    assert callers == []
