"""Benchmark the registry statistics: the dashboard's queries against a naive count in Python.

    python bench/registry_stats.py --entries 1000000 --database sqlite --runs 5
    scripts/with-postgres .venv/bin/python bench/registry_stats.py --entries 1000000 --database both

For each database the script creates a fresh database (SQLite in a temporary
file; on PostgreSQL a ``techmarket_bench`` database next to the one DATABASE_URL
names, dropped afterwards), migrates it, and writes ``--entries`` ledger entries
on about a third as many patents, deterministically (``Random(2026)``): first
each patent's application entry, its applicants at filing in two or three
provinces for about 10% of the patents; then registration dates over 2019-2025
with a growing yearly count, mostly assignments and licences with some pledges
and grants, about 35% of the transfers across a provincial border, one side in
twenty with a second party, 3% of the assignments recorded in two rows on one
day (a chain through an intermediary), parties in the four Delta provinces and
elsewhere. Rows go in with PostgreSQL's COPY or SQLite's executemany, then the
tables are analysed (VACUUM ANALYZE on PostgreSQL), targets are added beside
the plan's four (each province's two, and one whose period does not start and
end with a month), and the transfers, their monthly tallies and the joint
applications are counted from the ledger with ``tally_rebuild`` (on the
platform the ledger services keep them up to date entry by entry; the time the
rebuild takes is printed, as it is what ``rebuild_transfer_tallies`` costs).

Timed, median of ``--runs``:

- optimized: ``flow_matrix(FlowFilter())``, ``targets_progress()`` and
  ``yearly_trend(FlowFilter())``, exactly what the dashboard asks for (they
  add up the tallies);
- baseline: every entry (with its patent) loaded as a model instance, patent
  by patent, and the same matrix, progress and trend counted in Python
  (``--baseline-runs``): a patent's entries of one kind on one day as one
  transfer, joint applications from the first application entry.

Both must give the same numbers, or the script stops with exit status 1.
Targets of issue 3: under 0.5 s on PostgreSQL, at least 20 times faster than
the baseline.

The entries are written straight into the table, not through the services:
their hashes are placeholders (the sequence number in hex) rather than the
SHA-256 chain, so ``verify_registry`` would reject this ledger. The chain is
not what is measured; the statistics read the transfers and tallies counted
from the entries' parties.
Each database runs in a child process of this script, so that Django is set up
for one database at a time.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
DATABASES = ("sqlite", "postgresql")
PG_TARGET_SECONDS = 0.5
SPEED_UP_TARGET = 20
PG_BENCH_DATABASE = "techmarket_bench"

# Provinces of the parties: the four of the Delta and some others (the "other" region), with weights.
PROVINCES = {
    "310000": ("310115", 28),
    "320000": ("320100", 28),
    "330000": ("330100", 20),
    "340000": ("340100", 10),
    "110000": ("110108", 4),
    "440000": ("440300", 3),
    "120000": ("120116", 2),
    "370000": ("370100", 2),
    "420000": ("420100", 2),
    "510000": ("510100", 1),
}
ORGANISATIONS_PER_PROVINCE = 200
KINDS = (("assignment", 55), ("licence", 30), ("pledge", 10), ("grant", 5))
LICENCE_TYPES = ("exclusive", "sole", "ordinary")
CROSS_SHARE = 0.35
CO_PARTY_SHARE = 0.05  # a side with a second party (in a province of its own drawing)
CHAIN_SHARE = 0.03  # an assignment recorded in two rows on one day, through an intermediary
JOINT_SHARE = 0.10  # patents filed by applicants in two or three provinces
YEAR_WEIGHTS = {2019: 8, 2020: 9, 2021: 10, 2022: 12, 2023: 14, 2024: 16, 2025: 18}
IPC_SECTIONS = (("A", 10), ("B", 14), ("C", 12), ("D", 2), ("E", 3), ("F", 8), ("G", 27), ("H", 24))
PATENTS_PER_ENTRY = 3
BATCH = 10_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="ledger entries to generate")
    parser.add_argument("--database", choices=(*DATABASES, "both"), default="sqlite")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of the optimized statistics")
    parser.add_argument(
        "--baseline-runs", type=int, help="timed runs of the naive baseline (default: 3, or --runs if fewer)"
    )
    parser.add_argument("--worker", choices=DATABASES, help=argparse.SUPPRESS)
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_runs is None:
        args.baseline_runs = min(args.runs, 3)
    if args.entries < 1 or args.runs < 1 or args.baseline_runs < 1:
        parser.error("--entries, --runs and --baseline-runs must be at least 1")
    if args.worker:
        result = run_worker(args.worker, args.entries, args.runs, args.baseline_runs)
        Path(args.result_file).write_text(json.dumps(result))
        return 0

    databases = DATABASES if args.database == "both" else (args.database,)
    if "postgresql" in databases and not os.environ.get("DATABASE_URL", "").startswith(
        ("postgres://", "postgresql://")
    ):
        parser.error("PostgreSQL needs DATABASE_URL; run under scripts/with-postgres")
    results = []
    for database in databases:
        with tempfile.TemporaryDirectory(prefix="registry-bench-") as tmp:
            result_file = Path(tmp) / "result.json"
            command = [sys.executable, __file__, "--worker", database, "--result-file", str(result_file)]
            command += ["--entries", str(args.entries), "--runs", str(args.runs)]
            command += ["--baseline-runs", str(args.baseline_runs)]
            print(f"== {database} ==", flush=True)
            status = subprocess.run(command, check=False).returncode  # noqa: S603 (this script, our arguments)
            if status != 0:
                print(f"{database}: the benchmark failed (exit status {status})", file=sys.stderr)
                return 1
            results.append(json.loads(result_file.read_text()))
    print_table(results, args.runs, args.baseline_runs)
    return 0


# The worker: one database ------------------------------------------------------------------------------------


def setup_django(database: str, tmp: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "techmarket.settings.test"
    os.environ.setdefault("TECHMARKET_VAR_DIR", tmp)
    import dj_database_url
    import django
    from django.conf import settings

    if database == "sqlite":
        settings.DATABASES["default"] = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(Path(tmp) / "bench.sqlite3"),
            # A throwaway file: no journal and no fsync while loading.
            "OPTIONS": {"init_command": "PRAGMA journal_mode=OFF;PRAGMA synchronous=OFF;"},
        }
    else:
        settings.DATABASES["default"] = {**dj_database_url.parse(os.environ["DATABASE_URL"]), "NAME": PG_BENCH_DATABASE}
    django.setup()


def run_worker(database: str, entries: int, runs: int, baseline_runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as tmp:
        setup_django(database, tmp)
        from django.core.management import call_command
        from django.db import connection

        if database == "postgresql":
            create_pg_database()
        started = time.perf_counter()
        # The registry's migrations and those they depend on: the real schema, without every other app's.
        call_command("migrate", "ip_registry", verbosity=0, interactive=False)
        print(f"schema migrated in {time.perf_counter() - started:.1f} s", flush=True)
        try:
            populate(entries)
            add_targets()
            tallies = count_tallies()
            return measure(database, entries, runs, baseline_runs) | tallies
        finally:
            connection.close()
            if database == "postgresql":
                drop_pg_database()


def _pg_server(sql: str) -> None:
    """Run a statement on the database DATABASE_URL names (CREATE and DROP DATABASE cannot run in the bench one)."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as server:
        server.execute(sql)


def create_pg_database() -> None:
    _pg_server(f"DROP DATABASE IF EXISTS {PG_BENCH_DATABASE}")
    _pg_server(f"CREATE DATABASE {PG_BENCH_DATABASE}")


def drop_pg_database() -> None:
    _pg_server(f"DROP DATABASE IF EXISTS {PG_BENCH_DATABASE}")


def populate(entries: int) -> None:
    from django.db import connection, transaction

    from ip_registry.models import LedgerHead, Patent, RegistryEntry

    rng = random.Random(2026)
    patents = max(1, entries // PATENTS_PER_ENTRY)
    sketches: list[PatentSketch] = []
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A durable commit, whatever the server's setting: VACUUM cannot mark pages all-visible (which
            # index-only scans need) while the commit of the rows on them may still be unflushed.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO on")
        insert(Patent, PATENT_FIELDS, patent_rows(rng, patents, sketches), patents, "patents")
        ids = Patent.objects.order_by("pk").values_list("pk", flat=True)
        sketches = [sketch._replace(id=pk) for pk, sketch in zip(ids, sketches, strict=True)]
        insert(RegistryEntry, ENTRY_FIELDS, entry_rows(rng, entries, sketches), entries, "entries")
        LedgerHead.objects.filter(pk=1).update(sequence=entries, hash=placeholder_hash(entries))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in (Patent, RegistryEntry):
                vacuum(cursor, model._meta.db_table)
        else:
            cursor.execute("ANALYZE")
    print(f"analysed in {time.perf_counter() - started:.1f} s", flush=True)


def add_targets() -> None:
    """Beside the plan's four (seeded by the migrations): each province's two targets, and one period that does not
    start and end with a month, whose first and last days are counted from the transfers rather than the tallies."""
    from ip_registry.choices import TargetMetric
    from ip_registry.models import Target
    from techmarket.regions.gbt2260 import YRD_PROVINCES

    plan_period = {"period_start": datetime.date(2021, 1, 1), "period_end": datetime.date(2025, 12, 31)}
    for region in YRD_PROVINCES:
        Target.objects.create(metric=TargetMetric.CROSS_PROVINCE_TRANSFERS, region=region, value=5000, **plan_period)
        joint = TargetMetric.CROSS_PROVINCE_JOINT_APPLICATIONS
        Target.objects.create(metric=joint, region=region, value=1000, kinds=["application"], **plan_period)
    Target.objects.create(
        metric=TargetMetric.CROSS_PROVINCE_TRANSFERS,
        region="yrd",
        period_start=datetime.date(2023, 3, 15),
        period_end=datetime.date(2025, 6, 15),
        value=10000,
        kinds=["assignment", "licence"],
    )


def count_tallies() -> dict:
    """Count the ledger into transfers, monthly tallies and joint applications, as ``rebuild_transfer_tallies`` does."""
    from django.db import connection

    from ip_registry.models import JointApplication, Transfer, TransferTally
    from ip_registry.tallies import tally_rebuild

    started = time.perf_counter()
    rebuilt = tally_rebuild()
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        for model in (Transfer, TransferTally, JointApplication):
            if connection.vendor == "postgresql":
                vacuum(cursor, model._meta.db_table)
            else:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    print(
        f"counted from the ledger: {rebuilt.transfers:,} transfers in {rebuilt.cells:,} monthly tallies and "
        f"{rebuilt.joint_applications:,} joint application rows, in {elapsed:.1f} s",
        flush=True,
    )
    return {"tally_cells": rebuilt.cells, "transfers": rebuilt.transfers, "tally_seconds": elapsed}


def vacuum(cursor, table: str) -> None:
    """VACUUM ANALYZE until the table's pages are all-visible (index-only scans read the heap for the others).

    A VACUUM right after a large load can leave many pages unmarked (the server
    may not yet see their rows' commit as settled); a second pass marks them.
    """
    from django.db import connection

    for _attempt in range(3):
        cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")
        cursor.execute("SELECT relpages, relallvisible FROM pg_class WHERE relname = %s", [table])
        pages, visible = cursor.fetchone()
        print(f"  {table}: {visible:,} of {pages:,} pages all-visible", flush=True)
        if visible >= pages:
            return
        time.sleep(1)


def insert(model, names: tuple[str, ...], rows, total: int, label: str) -> None:
    """Write the rows (tuples of the named fields' column values) as fast as the database allows."""
    from django.db import connection

    fields = [model._meta.get_field(name) for name in names]
    missing = {field.name for field in model._meta.concrete_fields if not field.primary_key} - set(names)
    if missing:
        raise SystemExit(f"the bench does not fill {model.__name__} fields {sorted(missing)}: update it")
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    rows, step = iter(rows), max(total // 10, BATCH)
    started, written, reported = time.perf_counter(), 0, 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            writing = cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN")
        else:
            writing = contextlib.nullcontext()
            placeholders = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 (names from the model)
        with writing as copy:
            while batch := list(itertools.islice(rows, BATCH)):
                if copy is None:
                    cursor.executemany(sql, batch)
                else:
                    for row in batch:
                        copy.write_row(row)
                written += len(batch)
                if written - reported >= step or written == total:
                    elapsed = time.perf_counter() - started
                    print(f"  {label}: {written:>11,} / {total:,}  ({written / elapsed:,.0f}/s)", flush=True)
                    reported = written


def placeholder_hash(sequence: int) -> str:
    """Not SHA-256: a unique stand-in (sequence 0 gives the genesis hash, all zeros)."""
    return f"{sequence:064x}"


PATENT_FIELDS = (
    "application_number",
    "patent_type",
    "title",
    "abstract",
    "filing_date",
    "grant_date",
    "legal_status",
    "ipc_codes",
    "inventors",
    "annual_fee_paid_until",
    "has_evaluation_report",
    "created_at",
    "updated_at",
)
ENTRY_FIELDS = (
    "sequence",
    "patent",
    "kind",
    "registration_date",
    "execution_date",
    "registration_number",
    "licence_type",
    "term_start",
    "term_end",
    "effective_date",
    "related_entry",
    "parties",
    "details",
    "actor",
    "recorded_at",
    "from_region",
    "to_region",
    "cross_province",
    "ipc_section",
    "previous_hash",
    "hash",
)


class PatentSketch(NamedTuple):
    """What the entries of a patent need to know of it."""

    id: int | None
    section: str
    filing: datetime.date
    applicants: tuple[str, ...]  # provinces of the applicants at filing


def patent_rows(rng: random.Random, count: int, sketches: list[PatentSketch]):
    """Rows of the patent table in PATENT_FIELDS order: valid numbers, 80% inventions.

    Appends a sketch of each patent to ``sketches``, for its entries: about 10%
    have applicants in two or three provinces.
    """
    from ip_registry.numbers import TYPE_DIGITS, check_character

    now = "2026-01-01 00:00:00"
    section_letters, section_weights = zip(*IPC_SECTIONS, strict=True)
    for serial in range(1, count + 1):
        year = rng.randint(2010, 2024)
        type_digit = "1" if rng.random() < 0.8 else "2"
        digits = f"{year}{type_digit}{serial:07d}"
        filing = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
        section = rng.choices(section_letters, section_weights)[0]
        applicants = [province(rng)]
        if rng.random() < JOINT_SHARE:
            applicants += [province(rng) for _ in range(rng.choice((1, 1, 2)))]
        sketches.append(PatentSketch(None, section, filing, tuple(applicants)))
        yield (
            f"{digits}.{check_character(digits)}",  # application_number
            TYPE_DIGITS[type_digit].value,  # patent_type
            f"基准测试专利{serial}",  # title
            "",  # abstract
            filing.isoformat(),  # filing_date
            filing.replace(year=year + 2).isoformat(),  # grant_date
            "valid",  # legal_status
            json.dumps([f"{section}01M 10/0525"]),  # ipc_codes
            "[]",  # inventors
            None,  # annual_fee_paid_until
            False,  # has_evaluation_report
            now,  # created_at
            now,  # updated_at
        )


PROVINCE_CODES = tuple(PROVINCES)
REGION_OF = {code: code for code in ("310000", "320000", "330000", "340000")}  # others: "other"
PROVINCE_WEIGHTS = list(itertools.accumulate(weight for _city, weight in PROVINCES.values()))


def province(rng: random.Random) -> str:
    return rng.choices(PROVINCE_CODES, cum_weights=PROVINCE_WEIGHTS)[0]


class Parties:
    """The bench's organisations as ledger parties: ORGANISATIONS_PER_PROVINCE in each province."""

    def __init__(self) -> None:
        self.by_province = {
            code: [
                {
                    "organisation": 1000 * index + number,
                    "name": f"基准测试机构{code}-{number}",
                    "credit_code": "",
                    "province": code,
                    "city": city,
                    "share": None,
                }
                for number in range(ORGANISATIONS_PER_PROVINCE)
            ]
            for index, (code, (city, _weight)) in enumerate(PROVINCES.items())
        }

    def pick(self, rng: random.Random, provinces) -> list[dict]:
        """One party in each province given (a second party in one province is another organisation)."""
        chosen: list[dict] = []
        for code in provinces:
            party = rng.choice(self.by_province[code])
            while any(party is other for other in chosen):
                party = rng.choice(self.by_province[code])
            chosen.append(party)
        return chosen


def entry_rows(rng: random.Random, count: int, patents: list[PatentSketch]):
    """Rows of the ledger table in ENTRY_FIELDS order: each patent's application first, then the other events.

    A tenth of the transfers have two parties on a side, and a few are
    recorded in two rows on one day (a chain through an intermediary), so the
    set rule and the counting once per patent and day have work to do.
    """
    kinds, kind_weights = zip(*KINDS, strict=True)
    years, year_weights = zip(*YEAR_WEIGHTS.items(), strict=True)
    parties = Parties()
    sequence = 0
    for patent in patents[:count]:
        sequence += 1
        applicants = parties.pick(rng, patent.applicants)
        yield entry_row(sequence, patent, "application", patent.filing, [], applicants)
    while sequence < count:
        patent = patents[rng.randrange(len(patents))]
        kind = rng.choices(kinds, kind_weights)[0]
        year = rng.choices(years, year_weights)[0]
        registered = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        seller = province(rng)
        buyer = seller
        if kind != "grant" and rng.random() < CROSS_SHARE:
            while buyer == seller:
                buyer = province(rng)
        givers = [] if kind == "grant" else parties.pick(rng, [seller, *co_party(rng)])
        receivers = parties.pick(rng, [buyer, *co_party(rng)])
        rows = [(givers, receivers)]
        if kind == "assignment" and rng.random() < CHAIN_SHARE:
            rows.append((receivers, parties.pick(rng, [province(rng)])))
        for giving, receiving in rows[: count - sequence]:
            sequence += 1
            yield entry_row(sequence, patent, kind, registered, giving, receiving, rng)


def co_party(rng: random.Random) -> list[str]:
    return [province(rng)] if rng.random() < CO_PARTY_SHARE else []


def entry_row(sequence, patent, kind, registered, giving, receiving, rng=None) -> tuple:
    licence = kind == "licence"
    execution = registered - datetime.timedelta(days=rng.randrange(1, 90)) if rng else registered
    return (
        sequence,  # sequence
        patent.id,  # patent_id
        kind,  # kind
        registered.isoformat(),  # registration_date
        execution.isoformat(),  # execution_date
        f"{registered.year}99{sequence:08d}",  # registration_number
        rng.choice(LICENCE_TYPES) if licence else "",  # licence_type
        registered.isoformat() if licence else None,  # term_start
        (registered + datetime.timedelta(days=5 * 365)).isoformat() if licence else None,  # term_end
        execution.isoformat() if licence else None,  # effective_date: a licence contract takes effect when signed
        None,  # related_entry_id
        json.dumps({"from": giving, "to": receiving}, ensure_ascii=False),  # parties
        "{}",  # details
        None,  # actor_id
        f"{registered.isoformat()} 04:00:00",  # recorded_at
        REGION_OF.get(giving[0]["province"], "other") if giving else "",  # from_region
        REGION_OF.get(receiving[0]["province"], "other"),  # to_region
        bool(giving) and {p["province"] for p in giving} != {p["province"] for p in receiving},  # cross_province
        patent.section,  # ipc_section
        placeholder_hash(sequence - 1),  # previous_hash
        placeholder_hash(sequence),  # hash
    )


# Measuring -----------------------------------------------------------------------------------------------------


def optimized():
    """What the dashboard computes."""
    from ip_registry.selectors import FlowFilter, flow_matrix, targets_progress, yearly_trend

    return (
        flow_matrix(FlowFilter()),
        [(progress.target.pk, progress.achieved) for progress in targets_progress()],
        yearly_trend(FlowFilter()),
    )


def baseline():
    """The same numbers the naive way: every entry loaded as a model instance, counted in Python.

    The entries come patent by patent in ledger order. A patent's entries of
    one kind on one day are one transfer, with its sides and whether it crosses
    a border as the ledger's rule gives them (``ledger.transfer_facts``); its
    first application entry names the applicants at filing.
    """
    from ip_registry.choices import REGIONS, TRANSFER_KINDS, YRD, PatentType, TargetMetric
    from ip_registry.ledger import transfer_facts
    from ip_registry.models import RegistryEntry, Target
    from ip_registry.selectors import FlowMatrix, RegionFlows, YearCounts, region_name
    from techmarket.regions.gbt2260 import YRD_PROVINCES

    targets = list(Target.objects.all())
    transfers = [t for t in targets if t.metric == TargetMetric.CROSS_PROVINCE_TRANSFERS]
    joint = [t for t in targets if t.metric == TargetMetric.CROSS_PROVINCE_JOINT_APPLICATIONS]
    achieved = {target.pk: 0 for target in targets}
    matrix = FlowMatrix(regions=REGIONS, by_region={code: RegionFlows(code, region_name(code)) for code in REGIONS})
    years: dict[int, list[int]] = {}
    kinds = {str(kind) for kind in TRANSFER_KINDS}
    inventions = {PatentType.INVENTION, PatentType.PCT_INVENTION}

    def count_transfer(change) -> None:
        facts = transfer_facts(change)
        key, cross = (facts.from_region, facts.to_region), facts.cross_province
        matrix.cells[key] = matrix.cells.get(key, 0) + 1
        matrix.total += 1
        if cross:
            matrix.cross_cells[key] = matrix.cross_cells.get(key, 0) + 1
            matrix.cross_province += 1
            matrix.by_region[facts.from_region].outflow += 1
            matrix.by_region[facts.to_region].inflow += 1
        else:
            matrix.by_region[facts.from_region].within += 1
        counts = years.setdefault(facts.registration_date.year, [0, 0])
        counts[0] += 1
        counts[1] += cross
        for target in transfers:
            in_period = target.period_start <= facts.registration_date <= target.period_end
            if cross and facts.kind in target.kinds and in_period:
                if target.region == YRD:
                    concerned = facts.from_region in YRD_PROVINCES and facts.to_region in YRD_PROVINCES
                else:
                    concerned = target.region in (facts.from_region, facts.to_region)
                achieved[target.pk] += concerned

    def count_application(entry) -> None:
        provinces = {party["province"] for party in entry.to_parties}
        if entry.patent.patent_type not in inventions or len(provinces) < 2:
            return
        in_delta = provinces & set(YRD_PROVINCES)
        for target in joint:
            if target.period_start <= entry.registration_date <= target.period_end:
                achieved[target.pk] += len(in_delta) >= 2 if target.region == YRD else target.region in in_delta

    entries = RegistryEntry.objects.select_related("patent").order_by("patent_id", "sequence")
    for _patent, history in itertools.groupby(entries.iterator(chunk_size=BATCH), key=lambda entry: entry.patent_id):
        changes: dict[tuple, list] = {}
        applied = False
        for entry in history:
            if entry.kind in kinds:
                changes.setdefault((entry.kind, entry.registration_date), []).append(entry)
            elif entry.kind == "application" and not applied:
                count_application(entry)
                applied = True
        for change in changes.values():
            count_transfer(change)

    trend = []
    if years:
        first, last = min(years), max(years)
        trend = [YearCounts(year, *years.get(year, (0, 0))) for year in range(first, last + 1)]
    return matrix, [(target.pk, achieved[target.pk]) for target in targets], trend


def timed(function, runs: int, label: str) -> tuple[list[float], object]:
    times, result = [], None
    for run in range(1, runs + 1):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
        print(f"  {label} run {run}/{runs}: {times[-1]:.3f} s", flush=True)
    return times, result


def measure(database: str, entries: int, runs: int, baseline_runs: int) -> dict:
    print("timing the optimized statistics (the dashboard's queries)", flush=True)
    fast_times, fast = timed(optimized, runs, "optimized")
    print("timing the naive baseline (rows loaded and counted in Python)", flush=True)
    slow_times, slow = timed(baseline, baseline_runs, "baseline")
    names = ("flow matrix", "target progress", "yearly trend")
    for name, ours, naive in zip(names, fast, slow, strict=True):
        if ours != naive:
            print(f"MISMATCH in the {name}:\n  optimized: {ours}\n  baseline:  {naive}", file=sys.stderr)
            raise SystemExit(1)
    matrix, progress, trend = fast
    print(
        f"same numbers both ways: {matrix.total:,} transfers, {matrix.cross_province:,} cross-province, "
        f"progress {progress}, {len(trend)} years",
        flush=True,
    )
    return {
        "database": database,
        "entries": entries,
        "optimized": statistics.median(fast_times),
        "baseline": statistics.median(slow_times),
    }


# The report ----------------------------------------------------------------------------------------------------


def print_table(results: list[dict], runs: int, baseline_runs: int) -> None:
    header = (
        "database",
        "entries",
        f"optimized (median of {runs})",
        f"baseline (median of {baseline_runs})",
        "speed-up",
        f"< {PG_TARGET_SECONDS} s on PG",
        f">= {SPEED_UP_TARGET}x",
    )
    rows = []
    for result in results:
        speed_up = result["baseline"] / result["optimized"]
        under = result["optimized"] < PG_TARGET_SECONDS
        rows.append(
            (
                result["database"],
                f"{result['entries']:,}",
                f"{result['optimized']:.3f} s",
                f"{result['baseline']:.3f} s",
                f"{speed_up:,.1f}x",
                ("yes" if under else "NO") if result["database"] == "postgresql" else "-",
                "yes" if speed_up >= SPEED_UP_TARGET else "NO",
            )
        )
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    print()
    for row in (header, tuple("-" * width for width in widths), *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    for result in results:
        print(
            f"{result['database']}: {result['tally_cells']:,} monthly tallies, "
            f"recounted from the ledger in {result['tally_seconds']:.1f} s (rebuild_transfer_tallies)"
        )


if __name__ == "__main__":
    sys.exit(main())
