"""Benchmark ``import_patents`` (CNIPA bibliographic data) against the transfer import on a file of the same size.

    python bench/import_patents.py --rows 100000
    python bench/import_patents.py --rows 100000 --baseline-rows 10000
    scripts/with-postgres .venv/bin/python bench/import_patents.py --rows 100000 --database both

Each measurement runs in a child process on a fresh database (SQLite in a temporary file with the embedded
deployment's options, WAL and all; on PostgreSQL a ``techmarket_bench_import`` database beside the one
DATABASE_URL names, dropped at the end), migrated, with the same organisations registered first.

- **import_patents**: a CNIPA bibliographic file of ``--rows`` rows, made deterministically (``Random(2026)``):
  inventions, utility models and designs filed 2010-2024, one to three applicants each (universities and
  institutes of the Delta and beyond, about ``rows / 5`` firms, a third of them registered, the rest added by the
  import, placed by the first applicant's address or by their names), statuses as CNIPA writes them, one to
  three IPC codes; ``--known`` of the patents (10%) already in the registry by number only. Timed:
  ``patents_import`` on the file (phase 1 and phase 2), then the same file again (it must add nothing), then
  ``verify_registry`` (the hash chain and the tallies, as a check).
- **baseline**: ``import_transfers`` on an assignment file of ``--baseline-rows`` rows (default: ``--rows``),
  one assignment of each of the same patents from its applicants, unknown to the registry: the import that
  was there before, writing row by row through the ledger services.

The table gives rows, seconds and rows per second of each, and the speed-up per row. Exit status 1 if an
import fails or the second import adds anything.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASES = ("sqlite", "postgresql")
PG_BENCH_DATABASE = "techmarket_bench_import"
SEED = 2026

# (name, province, city, address) of universities and institutes: some placed by name, some only by address.
INSTITUTIONS = [
    ("复旦大学", "310000", "310110", "200433 上海市杨浦区邯郸路220号"),
    ("上海交通大学", "310000", "310112", "200240 上海市闵行区东川路800号"),
    ("同济大学", "310000", "310110", "200092 上海市杨浦区四平路1239号"),
    ("华东师范大学", "310000", "310112", "200241 上海市闵行区东川路500号"),
    ("南京大学", "320000", "320100", "210023 江苏省南京市栖霞区仙林大道163号"),
    ("东南大学", "320000", "320100", "211189 江苏省南京市江宁区东南大学路2号"),
    ("苏州大学", "320000", "320500", "215006 江苏省苏州市姑苏区十梓街1号"),
    ("江南大学", "320000", "320200", "214122 江苏省无锡市滨湖区蠡湖大道1800号"),
    ("浙江大学", "330000", "330100", "310058 浙江省杭州市西湖区余杭塘路866号"),
    ("浙江工业大学", "330000", "330100", "310014 浙江省杭州市拱墅区潮王路18号"),
    ("宁波大学", "330000", "330200", "315211 浙江省宁波市江北区风华路818号"),
    ("中国科学技术大学", "340000", "340100", "230026 安徽省合肥市包河区金寨路96号"),
    ("合肥工业大学", "340000", "340100", "230009 安徽省合肥市包河区屯溪路193号"),
    ("安徽大学", "340000", "340100", "230601 安徽省合肥市蜀山区九龙路111号"),
    ("中国科学院合肥物质科学研究院", "340000", "340100", "230031 安徽省合肥市蜀山区蜀山湖路350号"),
    ("清华大学", "110000", "110108", "100084 北京市海淀区清华园1号"),
    ("华中科技大学", "420000", "420100", "430074 湖北省武汉市洪山区珞喻路1037号"),
]
# (city, province, city code, postcode) where the firms are.
FIRM_CITIES = [
    ("上海", "310000", "", "201203"),
    ("南京", "320000", "320100", "210000"),
    ("苏州", "320000", "320500", "215000"),
    ("无锡", "320000", "320200", "214000"),
    ("常州", "320000", "320400", "213000"),
    ("杭州", "330000", "330100", "310000"),
    ("宁波", "330000", "330200", "315000"),
    ("嘉兴", "330000", "330400", "314000"),
    ("合肥", "340000", "340100", "230000"),
    ("芜湖", "340000", "340200", "241000"),
    ("深圳", "440000", "440300", "518000"),
]
FIRM_WORDS = ["华芯", "中科", "新能", "智造", "创联", "博远", "瑞康", "天成", "恒通", "卓越", "安信", "启明"]
FIRM_TRADES = ["科技", "新材料", "电子", "智能装备", "生物医药", "能源", "精密机械", "信息技术"]
TITLES = [
    "一种锂离子电池正极材料的制备方法",
    "一种基于深度学习的图像缺陷检测方法",
    "一种高强铝合金构件的增材制造方法",
    "一种钙钛矿太阳能电池及其制备方法",
    "一种多自由度机械臂的轨迹规划方法",
    "一种水质多参数在线检测装置",
    "一种碳化硅功率器件的终端结构",
    "一种可降解医用镁合金支架",
]
IPC_CODES = ["H01M10/0525", "H01M4/525", "G06T7/00", "G06N3/08", "B22F10/28", "H01L31/078", "B25J9/16",
             "G01N33/18", "H01L29/06", "C22C23/02", "A61L31/02", "G06F16/35"]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the CNIPA bibliographic file")
    parser.add_argument("--baseline-rows", type=int, help="rows of the transfer file (default: --rows)")
    parser.add_argument("--known", type=float, default=0.1, help="share of the patents already known by number")
    parser.add_argument("--database", choices=(*DATABASES, "both"), default="sqlite")
    parser.add_argument("--worker", choices=("patents", "transfers"), help=argparse.SUPPRESS)
    parser.add_argument("--worker-database", choices=DATABASES, help=argparse.SUPPRESS)
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_rows is None:
        args.baseline_rows = args.rows
    if args.rows < 1 or args.baseline_rows < 1 or not 0 <= args.known < 1:
        parser.error("--rows and --baseline-rows must be at least 1, --known from 0 to under 1")
    if args.worker:
        result = run_worker(args.worker, args.worker_database, args)
        Path(args.result_file).write_text(json.dumps(result))
        return 0
    databases = DATABASES if args.database == "both" else (args.database,)
    if "postgresql" in databases and not os.environ.get("DATABASE_URL", "").startswith(
        ("postgres://", "postgresql://")
    ):
        parser.error("PostgreSQL needs DATABASE_URL; run under scripts/with-postgres")
    results = []
    for database in databases:
        for worker in ("patents", "transfers"):
            print(f"== {database}: {worker} ==", flush=True)
            result = run_child(worker, database, args)
            if result is None:
                return 1
            results.append(result)
    print_table(results)
    return 0 if all(result.get("ok", True) for result in results) else 1


def run_child(worker: str, database: str, args) -> dict | None:
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        result_file = Path(tmp) / "result.json"
        command = [sys.executable, __file__, "--worker", worker, "--worker-database", database]
        command += ["--rows", str(args.rows), "--baseline-rows", str(args.baseline_rows), "--known", str(args.known)]
        command += ["--result-file", str(result_file)]
        status = subprocess.run(command, check=False).returncode  # noqa: S603 (this script, our arguments)
        if status != 0:
            print(f"{database} {worker}: the benchmark failed (exit status {status})", file=sys.stderr)
            return None
        return json.loads(result_file.read_text())


# The worker: one import on one fresh database ---------------------------------------------------------------


def setup_django(database: str, tmp: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "techmarket.settings.test"
    os.environ["TECHMARKET_VAR_DIR"] = tmp
    import dj_database_url
    import django
    from django.conf import settings

    if database == "sqlite":
        from techmarket.settings.base import SQLITE_OPTIONS

        settings.DATABASES["default"] = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(Path(tmp) / "bench.sqlite3"),
            "OPTIONS": dict(SQLITE_OPTIONS),  # as the embedded deployment writes: WAL, BEGIN IMMEDIATE
        }
    else:
        settings.DATABASES["default"] = {**dj_database_url.parse(os.environ["DATABASE_URL"]), "NAME": PG_BENCH_DATABASE}
    django.setup()


def _pg_server(sql: str) -> None:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as server:
        server.execute(sql)


def run_worker(worker: str, database: str, args) -> dict:
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        setup_django(database, tmp)
        from django.core.management import call_command
        from django.db import connection

        if database == "postgresql":
            _pg_server(f"DROP DATABASE IF EXISTS {PG_BENCH_DATABASE}")
            _pg_server(f"CREATE DATABASE {PG_BENCH_DATABASE}")
        try:
            started = time.perf_counter()
            # The apps an import writes or whose signals it fires, and those they depend on.
            for app in ("accounts", "audit", "ip_registry", "listings"):
                call_command("migrate", app, verbosity=0, interactive=False)
            print(f"schema migrated in {time.perf_counter() - started:.1f} s", flush=True)
            world = World(random.Random(SEED), max(args.rows, args.baseline_rows))
            world.register_organisations()
            if worker == "patents":
                return measure_patents(database, world, args.rows, args.known)
            return measure_transfers(database, world, args.baseline_rows)
        finally:
            connection.close()
            if database == "postgresql":
                _pg_server(f"DROP DATABASE IF EXISTS {PG_BENCH_DATABASE}")


class World:
    """The patents and organisations of the files, the same in both workers."""

    def __init__(self, rng: random.Random, patents: int) -> None:
        self.rng = rng
        self.firms = [self._firm(index) for index in range(max(50, patents // 5))]
        self.patents = [self._patent(serial) for serial in range(1, patents + 1)]

    def _firm(self, index: int) -> tuple:
        city, province, city_code, postcode = self.rng.choice(FIRM_CITIES)
        name = f"{city}{self.rng.choice(FIRM_WORDS)}{index}号{self.rng.choice(FIRM_TRADES)}有限公司"
        address = f"{postcode} {city}市高新区创新路{self.rng.randint(1, 999)}号"
        return name, province, city_code, address

    def _patent(self, serial: int) -> dict:
        from ip_registry.numbers import check_character

        rng = self.rng
        year = rng.randint(2010, 2024)
        type_digit = rng.choices("123", (70, 25, 5))[0]
        digits = f"{year}{type_digit}{serial:07d}"
        filed = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
        applicants = [rng.choice(INSTITUTIONS) if rng.random() < 0.4 else rng.choice(self.firms)]
        for _extra in range(rng.choices((0, 1, 2), (70, 22, 8))[0]):
            other = rng.choice(INSTITUTIONS) if rng.random() < 0.4 else rng.choice(self.firms)
            if other not in applicants:
                applicants.append(other)
        granted = rng.random() < (0.8 if type_digit != "1" or year < 2021 else 0.3)
        if granted:
            grant = min(filed + datetime.timedelta(days=rng.randint(200, 1100)), datetime.date(2025, 6, 30))
            term = 20 if type_digit == "1" else 10
            status = rng.choices(("有效", "未缴年费终止", "届满" if year + term < 2025 else "有效"), (70, 20, 10))[0]
        else:
            grant = None
            status = rng.choices(("审中/实质审查", "实质审查", "视为撤回", "撤回"), (50, 30, 15, 5))[0]
        return {
            "number": f"{digits}.{check_character(digits)}",
            "filed": filed,
            "title": rng.choice(TITLES),
            "applicants": applicants,
            "ipc": ";".join(rng.sample(IPC_CODES, rng.randint(1, 3))),
            "status": status,
            "granted": grant,
        }

    def register_organisations(self) -> None:
        """The institutions and a third of the firms are on the platform already, verified."""
        from techmarket.accounts.choices import OrganisationKind, VerificationStatus
        from techmarket.accounts.models import Organisation

        registered = [*INSTITUTIONS, *self.firms[::3]]
        Organisation.objects.bulk_create(
            [
                Organisation(
                    kind=OrganisationKind.UNIVERSITY if "大学" in name else OrganisationKind.ENTERPRISE,
                    name_zh=name,
                    credit_code=None,
                    province=province,
                    city=city,
                    verification_status=VerificationStatus.VERIFIED,
                )
                for name, province, city, _address in registered
            ],
            batch_size=1000,
        )

    def patents_file(self, rows: int, encoding: str = "utf-8-sig") -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["申请号", "申请日", "名称", "申请（专利权）人", "地址", "IPC分类号", "法律状态", "授权公告日"])
        for patent in self.patents[:rows]:
            writer.writerow(
                [
                    patent["number"],
                    patent["filed"].isoformat(),
                    patent["title"],
                    "；".join(applicant[0] for applicant in patent["applicants"]),
                    patent["applicants"][0][3],
                    patent["ipc"],
                    patent["status"],
                    patent["granted"].isoformat() if patent["granted"] else "",
                ]
            )
        return out.getvalue().encode(encoding)

    def transfers_file(self, rows: int) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        header = ["申请号", "专利名称", "转让人", "受让人", "转让执行日", "转让登记日", "当前法律状态"]
        writer.writerow([*header, "转让人省份", "受让人省份"])
        for patent in self.patents[:rows]:
            index = zlib.crc32(patent["number"].encode()) % len(self.firms)
            assignee = self.firms[index]
            if assignee in patent["applicants"]:
                assignee = self.firms[(index + 1) % len(self.firms)]
            registered = max(patent["filed"], patent["granted"] or patent["filed"]) + datetime.timedelta(days=90)
            registered = min(registered, datetime.date(2025, 9, 30))
            writer.writerow(
                [
                    patent["number"],
                    patent["title"],
                    "；".join(applicant[0] for applicant in patent["applicants"]),
                    assignee[0],
                    (registered - datetime.timedelta(days=30)).isoformat(),
                    registered.isoformat(),
                    "有效" if patent["granted"] else "审中",
                    "；".join(applicant[1] for applicant in patent["applicants"]),
                    assignee[1],
                ]
            )
        return out.getvalue().encode("utf-8-sig")


def _known_by_number(world: World, share: float) -> int:
    """Patents the registry knows by number only (as a transfer import leaves them before their first entry)."""
    from ip_registry.models import Patent

    known = [
        Patent(application_number=patent["number"], patent_type=_type_of(patent["number"]))
        for patent in world.patents[: int(len(world.patents) * share)]
    ]
    Patent.objects.bulk_create(known, batch_size=1000)
    return len(known)


def _type_of(number: str) -> str:
    from ip_registry.numbers import parse_application_number

    return parse_application_number(number).patent_type


def measure_patents(database: str, world: World, rows: int, known_share: float) -> dict:
    from django.core.management import call_command

    from ip_registry.imports.patents import patents_import
    from ip_registry.models import RegistryEntry

    data = world.patents_file(rows)
    world.patents = world.patents[:rows]
    known = _known_by_number(world, known_share)
    print(f"file: {rows:,} rows, {len(data) / 1e6:.1f} MB; {known:,} patents known by number", flush=True)
    started, cpu = time.perf_counter(), time.process_time()
    result = patents_import(data=data, progress=_progress(rows))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if not result.ok:
        print("\n".join(str(error) for error in result.errors[:20]), file=sys.stderr)
        raise SystemExit(1)
    print(f"\n{result.summary()}", flush=True)
    print(f"imported in {seconds:.1f} s, {cpu:.1f} s of this process's CPU ({rows / seconds:,.0f} rows/s)", flush=True)
    entries = RegistryEntry.objects.count()
    started = time.perf_counter()
    again = patents_import(data=data)
    again_seconds = time.perf_counter() - started
    adds_nothing = again.ok and again.created == again.completed == again.updated == 0 and again.skipped == rows
    adds_nothing = adds_nothing and RegistryEntry.objects.count() == entries
    print(f"imported again in {again_seconds:.1f} s: {again.summary()}", flush=True)
    started = time.perf_counter()
    call_command("verify_registry", verbosity=0)
    print(f"verify_registry: the chain of {entries:,} entries is intact ({time.perf_counter() - started:.1f} s)")
    return {
        "database": database,
        "import": "import_patents",
        "rows": rows,
        "seconds": seconds,
        "cpu": cpu,
        "again_seconds": again_seconds,
        "entries": entries,
        "organisations": result.organisations_created,
        "ok": adds_nothing,
    }


def measure_transfers(database: str, world: World, rows: int) -> dict:
    from ip_registry.imports import transfers_import

    data = world.transfers_file(rows)
    print(f"file: {rows:,} rows, {len(data) / 1e6:.1f} MB", flush=True)
    started, cpu = time.perf_counter(), time.process_time()
    result = transfers_import(data=data, progress=_progress(rows))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if not result.ok:
        print("\n".join(str(error) for error in result.errors[:20]), file=sys.stderr)
        raise SystemExit(1)
    print(
        f"\nimported in {seconds:.1f} s, {cpu:.1f} s of this process's CPU ({rows / seconds:,.0f} rows/s)", flush=True
    )
    return {"database": database, "import": "import_transfers (baseline)", "rows": rows, "seconds": seconds, "cpu": cpu}


def _progress(total: int):
    """Prints a line at every tenth of the rows written (the command's bar draws only on a terminal)."""
    started = time.perf_counter()
    reported = [0]

    def progress(done: int, _total: int) -> None:
        if done - reported[0] >= max(total // 10, 1) or done == _total:
            reported[0] = done
            print(f"  written {done:>9,} / {_total:,}  ({time.perf_counter() - started:.1f} s)", flush=True)

    return progress


def print_table(results: list[dict]) -> None:
    """Wall-clock and CPU seconds (this process's: on SQLite the whole import, on PostgreSQL the client's side)."""
    print()
    print(f"{'database':<11}{'import':<30}{'rows':>10}{'seconds':>10}{'CPU s':>10}{'rows/s':>10}")
    for r in results:
        rate = r["rows"] / r["seconds"]
        print(
            f"{r['database']:<11}{r['import']:<30}{r['rows']:>10,}{r['seconds']:>10.1f}{r['cpu']:>10.1f}{rate:>10,.0f}"
        )
    for database in dict.fromkeys(result["database"] for result in results):
        patents = next(r for r in results if r["database"] == database and r["import"] == "import_patents")
        baseline = next(r for r in results if r["database"] == database and r["import"] != "import_patents")
        speed_up = (patents["rows"] / patents["seconds"]) / (baseline["rows"] / baseline["seconds"])
        print(
            f"{database}: import_patents wrote {patents['rows']:,} rows in {patents['seconds']:.1f} s "
            f"({patents['entries']:,} ledger entries, {patents['organisations']:,} organisations added), "
            f"{speed_up:.1f}x the transfer import's rows per second; importing again took "
            f"{patents['again_seconds']:.1f} s and added " + ("nothing" if patents["ok"] else "SOMETHING: a defect")
        )


if __name__ == "__main__":
    raise SystemExit(main())
