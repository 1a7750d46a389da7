"""Benchmark the public pages under a real server: the home page, the list and the detail page against a trivial view.

    python bench/pages.py
    python bench/pages.py --listings 1000 --seconds 20 --clients 8 --workers 2
    DATABASE_CONN_MAX_AGE=60 python bench/pages.py
    LISTING_PAGE_CACHE_SECONDS=0 python bench/pages.py   # every page built, none from the page cache

The script makes a fresh SQLite database in a temporary directory, with the
environment production insists on (a random SECRET_KEY, ALLOWED_HOSTS
127.0.0.1, DATABASE_URL naming the file, no redirect to HTTPS), migrates the
tables the pages read, collects the static files, and makes ``--listings``
published listings through the services, deterministically (``Random(2026)``):
twelve universities and institutes in Shanghai, Jiangsu, Zhejiang and Anhui
(registered and verified through the account services), patents registered for
the patent and portfolio listings, one to three deal terms, one or two 640x480
JPEG images each (drawn with Pillow; the services make their renditions), a
technology-transfer manager on every fourth listing, real-looking Chinese text;
then the demo's editorial pages (``demo/pages.py``: policies, news items, events,
province portals and guides, and the English translations of some), which the
home page lists beside the newest listings and the market's figures.

It counts, in this process, the SQL queries of the home page (in Chinese and
in English), of every list URL and of every listing's page for an anonymous
visitor: each kind of page must make the same number of queries whatever its
listings' images, terms and patents, or the script fails.

Then it starts gunicorn with ``--workers`` sync workers (``--threads`` above 1:
gthread workers) on a free port of 127.0.0.1, with ``bench/settings_pages.py``:
production's settings (DEBUG off, the same middleware, WhiteNoise, cached
templates) and ``bench/urls_pages.py``, the project's URLs plus two baselines.
``--clients`` threads of this script load it, each on its own HTTP/1.1
connection (sync workers close it after every response, so each request
connects again; gthread workers keep it open), as anonymous visitors, with
four kinds of URL:

- trivial: ``/bench/trivial/``, "ok" through the middleware, no query, no
  template: the cost of a request itself;
- frame: ``/bench/frame/``, an empty page in ``base.html`` (header, navigation,
  language switcher, footer): what every page costs before its own content;
- home and home-en: ``/`` and ``/en/``, the Wagtail home page in Chinese and in
  English: the market's figures, the newest listings, news, events, guides and
  the organisations by province;
- list: ``/listings/``, every page of it, and pages filtered by province, field,
  kind and deal mode (those that show something), in turn;
- detail: ``/listings/<id>/`` of every listing, in a shuffled order.

After ``--warmup`` seconds per kind (not counted), each kind is loaded for
``--seconds`` in all, in ``--rounds`` slices taken in turn (trivial, frame, home,
list, detail, trivial, ...), so that a change in the machine's other load
touches every kind alike. Every response must be a 200. The table gives, per
kind: URLs in the rotation, requests, requests per second, median and 95th
percentile latency, the server workers' CPU time per request (read from
/proc, where there is one) and this script's, and the rate as a share of the
trivial view's. The verdict compares the detail page's rate with the trivial
view's; issue 4 asks for at least 0.40 (``--min-ratio``). Exit status 1 on any
failure: a response other than 200, a query count that varies, the target
missed.

The clients are visitors who are not signed in, so after its first request a
page comes from the page cache (``techmarket/pagecache.py``), as it would for
most of the site's traffic; with LISTING_PAGE_CACHE_SECONDS=0 in the
environment every page is built, which measures the views and templates.

The clients share the machine with the server and take CPU time from it, and
so does anything else running: the ratio of the server's CPU time per request
is printed too, a comparison that depends less on how busy the machine was.
The database connection is opened for each request unless
DATABASE_CONN_MAX_AGE is set in the environment, as in production.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import io
import math
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "bench.settings_pages"
# The apps whose tables the listing pages read (their migrations bring those they depend on); migrating every app's
# tables takes a minute and changes nothing measured. The registry's own latest migrations too: listings depend on
# an early one, and registering the bench's patents writes the registry's newer tables.
MIGRATE_APPS = ("accounts", "listings", "ip_registry", "licensing", "audit", "guardian", "sessions")
# The home page is a Wagtail page: the cms app's migrations bring Wagtail's tables and build the page tree.
PAGE_APPS = (*MIGRATE_APPS, "cms")
# The home page in each language: a kind each, as the English one also reads the translations of what it lists.
HOME_KINDS = {"home": ["/"], "home-en": ["/en/"]}
TARGET_RATIO = 0.40
PAGE_SIZE = 12  # listings.views.listings.PAGE_SIZE, checked at start
SEED = 2026


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=300, help="published listings to make (default 300)")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per kind of URL (default 10)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client connections (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker; above 1, gthread workers")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds per kind first (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="slices each kind's seconds are taken in (default 3)")
    parser.add_argument(
        "--min-ratio", type=float, default=TARGET_RATIO, help=f"detail/trivial rate to reach (default {TARGET_RATIO})"
    )
    args = parser.parse_args()
    if args.listings < 2 or args.seconds <= 0 or args.clients < 1 or args.workers < 1 or args.threads < 1:
        parser.error("--listings must be at least 2; --seconds, --clients, --workers and --threads positive")
    if args.rounds < 1 or args.warmup < 0:
        parser.error("--rounds must be at least 1 and --warmup not negative")

    # Stopped by a signal, still stop the server (the default SIGTERM action would skip the clean-up).
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    with tempfile.TemporaryDirectory(prefix="pages-bench-") as tmp:
        setup_django(Path(tmp))
        prepare_database(PAGE_APPS)
        started = time.perf_counter()
        made = populate(args.listings)
        print(f"{made} made through the services in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        made = populate_pages()
        print(f"{made} published in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        build_search_index()
        print(f"search index built in {time.perf_counter() - started:.1f} s", flush=True)
        list_urls, detail_urls = urls()
        queries = count_queries({**HOME_KINDS, "list": list_urls, "detail": detail_urls})
        for line in queries.lines:
            print(line, flush=True)
        from django.db import connection

        connection.close()
        with Server(Path(tmp), args.workers, args.threads) as server:
            kinds = {
                "trivial": ["/bench/trivial/"],
                "frame": ["/bench/frame/"],
                **HOME_KINDS,
                "list": list_urls,
                "detail": detail_urls,
            }
            results = load(server, kinds, args)
            server_log = server.log_tail()
    failures = report(results, kinds, args.min_ratio)
    if not queries.fixed:
        failures.append("the query count of a page varies with its listings")
    if failures:
        if any("not 200" in failure for failure in failures) and server_log:
            print("\nthe end of the server's log:\n" + server_log, file=sys.stderr)
        for failure in failures:
            print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    return 0


# Django and the data --------------------------------------------------------------------------------------------


def setup_django(tmp: Path) -> None:
    """Production's settings on a throwaway SQLite file; the server started later gets the same environment."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "TECHMARKET_VAR_DIR": str(tmp),
            "MEDIA_ROOT": str(tmp / "media"),
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on the loopback: no redirect to HTTPS.
            "SECURE_SSL_REDIRECT": "false",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from listings.views import listings as views

    if views.PAGE_SIZE != PAGE_SIZE:
        raise SystemExit(f"the list shows {views.PAGE_SIZE} listings a page now: update PAGE_SIZE in the bench")


def prepare_database(apps: tuple[str, ...] = MIGRATE_APPS, *, static: bool = True) -> None:
    """The tables of ``apps`` and those they depend on, in one migration run; then the static files (for a server)."""
    from django.core.management import call_command
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    started = time.perf_counter()
    executor = MigrationExecutor(connection)
    executor.migrate([node for node in executor.loader.graph.leaf_nodes() if node[0] in apps])
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)  # content types, permissions
    print(f"schema migrated in {time.perf_counter() - started:.1f} s", flush=True)
    if not static:
        return
    started = time.perf_counter()
    call_command("collectstatic", verbosity=0, interactive=False)
    print(f"static files collected in {time.perf_counter() - started:.1f} s", flush=True)


# Universities and institutes: (province, city, Chinese name, English name, institute?).
ORGANISATIONS = (
    ("310000", "310110", "复旦大学", "Fudan University", False),
    ("310000", "310112", "上海交通大学", "Shanghai Jiao Tong University", False),
    ("310000", "310110", "同济大学", "Tongji University", False),
    ("320000", "320100", "南京大学", "Nanjing University", False),
    ("320000", "320100", "东南大学", "Southeast University", False),
    ("320000", "320500", "苏州大学", "Soochow University", False),
    ("330000", "330100", "浙江大学", "Zhejiang University", False),
    ("330000", "330200", "宁波大学", "Ningbo University", False),
    (
        "330000",
        "330200",
        "中国科学院宁波材料技术与工程研究所",
        "Ningbo Institute of Materials Technology and Engineering, CAS",
        True,
    ),
    ("340000", "340100", "中国科学技术大学", "University of Science and Technology of China", False),
    ("340000", "340100", "合肥工业大学", "Hefei University of Technology", False),
    ("340000", "340200", "安徽工程大学", "Anhui Polytechnic University", False),
)

# Per technology field: an IPC code for its patents and technologies to name the listings after.
FIELD_TOPICS = {
    "integrated-circuits": (
        "H01L 21/02",
        ("低功耗逐次逼近型模数转换器", "碳化硅功率器件外延工艺", "硅通孔三维封装互连", "高可靠性存储器纠错电路"),
    ),
    "artificial-intelligence": (
        "G06N 3/08",
        ("工业缺陷视觉检测模型", "多模态医学影像辅助诊断", "面向边缘设备的神经网络压缩", "中文文本知识抽取引擎"),
    ),
    "biomedicine": (
        "A61K 31/00",
        ("靶向肿瘤的小分子抑制剂", "新型疫苗佐剂", "可降解心血管支架涂层", "快速核酸检测试剂盒"),
    ),
    "advanced-materials": (
        "C01B 32/05",
        ("石墨烯导热膜规模化制备", "高熵合金耐磨涂层", "生物基可降解包装材料", "低成本碳纤维原丝"),
    ),
    "high-end-equipment": (
        "B23K 26/00",
        ("五轴联动数控加工误差补偿", "激光增材制造在线监测", "协作机器人柔性关节", "精密减速器齿形优化"),
    ),
    "new-energy": (
        "H01M 10/0525",
        ("高镍三元正极材料", "钙钛矿太阳能电池封装", "固态电解质界面改性", "液流电池电堆设计"),
    ),
    "new-energy-vehicles": (
        "B60L 58/12",
        ("动力电池健康状态估计", "电驱系统多合一集成", "车载快充热管理", "轮毂电机控制算法"),
    ),
    "quantum-information": (
        "H04L 9/08",
        ("量子密钥分发终端", "超导量子比特读出电路", "光量子随机数发生器", "量子精密测量磁力计"),
    ),
    "energy-saving": (
        "C02F 1/44",
        ("高盐废水膜分离浓缩", "工业余热有机朗肯循环发电", "挥发性有机物催化燃烧", "污泥低温干化"),
    ),
    "digital-economy": (
        "G06Q 10/06",
        ("供应链金融区块链存证", "制造企业数字孪生平台", "隐私计算数据流通", "城市交通大数据调度"),
    ),
}
PREFIXES = ("一种", "新型", "高效", "低成本", "基于国产化器件的", "面向产业化的")
# Listing kinds and their weights; patent kinds get one (single patent) or two or three (portfolio) patents.
KINDS = (("patent", 55), ("portfolio", 15), ("software", 10), ("know_how", 10), ("achievement", 10))
PATENT_MODES = ("assignment", "ordinary_licence", "open_licence", "pay_later", "exclusive_licence", "equity")
OTHER_MODES = ("assignment", "ordinary_licence", "pay_later", "joint_development", "equity")
COLOURS = ((31, 78, 121), (46, 125, 50), (183, 28, 28), (245, 124, 0), (94, 53, 177), (0, 131, 143))


def populate(count: int) -> str:
    """The organisations, their patents and ``count`` published listings, through the services."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from demo.accounts import demo_credit_code
    from ip_registry import services as registry
    from ip_registry.choices import LegalStatus
    from ip_registry.numbers import check_character
    from listings.services import listings as services
    from techmarket.accounts import services as accounts
    from techmarket.accounts.choices import OrganisationKind
    from techmarket.accounts.permissions import platform_staff_group
    from techmarket.regions.models import TechnologyField

    rng = random.Random(SEED)
    password = secrets.token_urlsafe(16)
    images = terms = patents = 0
    with transaction.atomic():
        staff = accounts.user_register(email="bench.ops@example.cn", name="基准测试运营", password=password)
        staff.groups.add(platform_staff_group())  # no service grants platform staff membership
        organisations = []
        for province, city, name_zh, name_en, institute in ORGANISATIONS:
            kind = OrganisationKind.INSTITUTE if institute else OrganisationKind.UNIVERSITY
            organisation = accounts.organisation_create(
                actor=staff,
                kind=kind,
                name_zh=name_zh,
                name_en=name_en,
                province=province,
                city=city,
                credit_code=demo_credit_code("12", city, f"bench-{name_en}"),
            )
            organisations.append(accounts.organisation_verify(actor=staff, organisation=organisation, approve=True))
        broker_user = accounts.user_register(email="bench.broker@example.cn", name="陈思远", password=password)
        all_fields = {f.slug: f for f in TechnologyField.objects.all()}
        # Fewer fields than listings/3 on tiny runs, so that every listing has related listings to show.
        slugs = list(FIELD_TOPICS)[: max(1, min(len(FIELD_TOPICS), count // 3))]
        broker = accounts.broker_profile_save(
            user=broker_user,
            certificate_number="JL20260001",
            provinces_served=["310000", "320000", "330000", "340000"],
            field_ids=[all_fields[slug].pk for slug in slugs],
        )
        kinds, kind_weights = zip(*KINDS, strict=True)
        serial = 0
        for number in range(count):
            organisation = organisations[number % len(organisations)]
            slug = slugs[number % len(slugs)]
            ipc, topics = FIELD_TOPICS[slug]
            topic = topics[rng.randrange(len(topics))]
            kind = rng.choices(kinds, kind_weights)[0]
            title = f"{rng.choice(PREFIXES)}{topic}"
            listing_patents = []
            for _ in range({"patent": 1, "portfolio": rng.randint(2, 3)}.get(kind, 0)):
                serial += 1
                year = rng.randint(2015, 2023)
                digits = f"{year}1{serial:07d}"
                listing_patents.append(
                    registry.patent_register(
                        actor=None,
                        application_number=f"{digits}.{check_character(digits)}",
                        title=f"{title}的方法及装置",
                        filing_date=datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                        grant_date=datetime.date(year + 2, rng.randint(1, 12), rng.randint(1, 28)),
                        legal_status=LegalStatus.VALID,
                        ipc_codes=[ipc],
                        holders=[registry.Holding(organisation)],
                    )
                )
            listing_terms = deal_terms(rng, kind, services.Term)
            if any(term.mode == "open_licence" for term in listing_terms):
                declare_open_licence(listing_patents)
            listing = services.listing_create(
                actor=None,
                organisation=organisation,
                patents=listing_patents,
                terms=listing_terms,
                kind=kind,
                field=all_fields[slug],
                trl=rng.randint(3, 8),
                contact_name=rng.choice(("王老师", "李老师", "张老师", "刘老师")),
                contact_email=f"ttc{number % len(organisations)}@example.edu.cn",
                **texts(rng, title, topic, organisation.name_zh),
            )
            for position in range(rng.choice((1, 1, 1, 2, 2))):
                services.listing_image_add(
                    actor=None,
                    listing=listing,
                    image=SimpleUploadedFile(f"photo{position}.jpg", drawing(rng)),
                    caption=f"{topic}样机" if position == 0 else "",
                )
                images += 1
            if number % 4 == 0:
                services.listing_assign_broker(actor=None, listing=listing, broker=broker)
            for name in ("submit", "approve"):
                listing = services.listing_transition(actor=None, listing=listing, name=name)
            terms += listing.deal_terms.count()
            patents += len(listing_patents)
    return f"{count} published listings ({images} images, {terms} deal terms, {patents} patents)"


def build_search_index() -> None:
    """The listings' search index, as `make run` builds it: a listing's page shows its similar listings from it."""
    import io

    from django.core.management import call_command

    call_command("rebuild_search_index", stdout=io.StringIO())


def declare_open_licence(patents: list) -> None:
    """The patentees' open licence declarations on the registry (fees paid a year ahead): a listing offers an open
    licence only for patents declared so (patent law art. 50)."""
    from django.utils import timezone

    from ip_registry import services as registry

    today = timezone.localdate()
    for patent in patents:
        patent = registry.patent_update(
            actor=None, patent=patent, annual_fee_paid_until=today + datetime.timedelta(days=365)
        )
        registry.open_licence_declare(
            actor=None,
            patent=patent,
            registration_date=today,
            term_end=min(patent.term_last_day or datetime.date.max, today + datetime.timedelta(days=5 * 365)),
            terms={"fee_type": "lump_sum", "fee": "见声明", "payment": "银行转账"},
        )


def populate_pages() -> str:
    """The demo's editorial pages (and English translations of some), published as an editor does."""
    from django.db import transaction
    from django.test.utils import override_settings

    from demo import pages

    made = 0
    with transaction.atomic(), override_settings(LISTING_PAGE_CACHE_SECONDS=0):
        for step in pages.STEPS:
            made += sum(bool(step.apply(item)) for item in step.items)
    return f"{made} editorial pages"


def deal_terms(rng: random.Random, kind: str, term) -> list:
    modes = list(PATENT_MODES if kind in ("patent", "portfolio") else OTHER_MODES)
    chosen = rng.sample(modes, rng.randint(1, 3))
    if "open_licence" in chosen and "exclusive_licence" in chosen:
        chosen.remove("exclusive_licence")  # an open licence excludes an exclusive one
    return [term(mode, None if rng.random() < 0.3 else Decimal(rng.randint(1, 500) * 10_000)) for mode in chosen]


def texts(rng: random.Random, title: str, topic: str, owner: str) -> dict[str, str]:
    gain = rng.randint(15, 60)
    return {
        "title_zh": title,
        "summary_zh": (
            f"{owner}研究团队经过多年攻关，形成了{topic}的成套技术，已完成实验室验证和中试。"
            f"与现有方案相比，关键性能指标提高约百分之{gain}，生产成本降低，工艺稳定可控，"
            "可按转让、许可或合作开发等方式与企业合作，支持在长三角地区落地转化。"
        ),
        "problem": (
            f"现有{topic}方案依赖进口设备和材料，成本高、一致性差，难以满足国内企业规模化生产的需要；"
            "部分关键工艺参数需要人工反复调试，良品率波动大。"
        ),
        "advantages": (
            f"核心工艺自主可控；关键指标提升约百分之{gain}；与企业现有产线兼容，改造投入小；"
            "已申请发明专利并形成技术秘密包，配套提供工艺文件和人员培训。"
        ),
        "applications": "适用于相关制造企业的产品升级和新产线建设，也可用于检测机构、科研院所的平台建设。",
    }


def drawing(rng: random.Random) -> bytes:
    """A 640x480 JPEG of a few coloured shapes, different for every image."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), rng.choice(COLOURS))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randrange(560), rng.randrange(400)
        box = (x, y, x + rng.randint(50, 240), y + rng.randint(50, 240))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape(box, fill=tuple(rng.randrange(256) for _ in range(3)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def urls() -> tuple[list[str], list[str]]:
    """The list URLs (every page, and filtered pages that show something) and every listing's page, shuffled."""
    from listings.models import Listing
    from listings.selectors.listings import ListingFilters, public_listings

    ids = list(Listing.objects.published().order_by("pk").values_list("pk", flat=True))
    list_urls = ["/listings/"] + [f"/listings/?page={page}" for page in range(2, math.ceil(len(ids) / PAGE_SIZE) + 1)]
    fields = list(FIELD_TOPICS)
    for filters in (
        *(ListingFilters(province=province) for province in ("310000", "320000", "330000", "340000")),
        ListingFilters(field=fields[0]),
        ListingFilters(field=fields[1], kind="patent"),
        ListingFilters(kind="portfolio"),
        ListingFilters(deal_mode="pay_later"),
        ListingFilters(province="310000", deal_mode="open_licence"),
    ):
        query = "&".join(f"{name}={value}" for name, value in vars(filters).items() if value)
        shown = public_listings(filters).count()
        list_urls += [f"/listings/?{query}"] if shown else []
        list_urls += [f"/listings/?{query}&page=2"] if shown > PAGE_SIZE else []
    detail_urls = [f"/listings/{pk}/" for pk in ids]
    random.Random(SEED).shuffle(detail_urls)
    return list_urls, detail_urls


@dataclass
class QueryCounts:
    lines: list[str]
    fixed: bool


def count_queries(kinds: dict[str, list[str]]) -> QueryCounts:
    """The queries each page makes for an anonymous visitor, counted in this process; all pages must answer 200."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from listings.models import Listing

    client = Client(HTTP_HOST="127.0.0.1")
    counts: dict[str, dict[int, list[str]]] = {kind: {} for kind in kinds}
    for kind, paths in kinds.items():
        for path in paths:
            # The queries of building the page: not served from the page cache (nor filling it before the load).
            with CaptureQueriesContext(connection) as captured, override_settings(LISTING_PAGE_CACHE_SECONDS=0):
                status = client.get(path).status_code
            if status != 200:
                raise SystemExit(f"{path} answered {status} before the server was started")
            counts[kind].setdefault(len(captured.captured_queries), []).append(path)
    listings = Listing.objects.published()
    spread = {
        "images": sorted({listing.images.count() for listing in listings}),
        "terms": sorted({listing.deal_terms.count() for listing in listings}),
        "patents": sorted({listing.patents.count() for listing in listings}),
    }
    lines = []
    for kind, by_count in counts.items():
        pages = sum(len(paths) for paths in by_count.values())
        found = ", ".join(f"{queries} on {len(paths)}" for queries, paths in sorted(by_count.items()))
        lines.append(f"queries per {kind} page: {found} of {pages} pages")
    lines.append("the listings have " + ", ".join(f"{min(v)}-{max(v)} {name}" for name, v in spread.items()))
    fixed = all(len(by_count) == 1 for by_count in counts.values())
    if not fixed:
        for kind, by_count in counts.items():
            if len(by_count) > 1:
                for queries, paths in sorted(by_count.items()):
                    lines.append(f"  {kind}: {queries} queries on {', '.join(paths[:5])}")
    return QueryCounts(lines, fixed)


# The server ----------------------------------------------------------------------------------------------------


class Server:
    """gunicorn on a free port of the loopback, started in ``__enter__`` and always stopped in ``__exit__``."""

    def __init__(self, tmp: Path, workers: int, threads: int) -> None:
        self.log = tmp / "gunicorn.log"
        self.workers, self.threads = workers, threads
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        command = [sys.executable, "-m", "gunicorn", "techmarket.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--chdir", str(ROOT)]
        if self.threads > 1:
            command += ["--worker-class", "gthread", "--threads", str(self.threads)]
        # --preload: Django is imported once, before the workers fork; only the start-up is quicker.
        command += ["--preload", "--no-control-socket", "--error-logfile", str(self.log), "--log-level", "warning"]
        started = time.perf_counter()
        self.process = subprocess.Popen(  # noqa: S603 (our arguments)
            command, cwd=ROOT, env=os.environ.copy(), preexec_fn=stop_with_parent
        )
        try:
            self.wait_until_ready()
        except BaseException:
            self.stop()
            raise
        kind = f"gthread, {self.threads} threads each" if self.threads > 1 else "sync"
        print(
            f"gunicorn: {self.workers} {kind} workers on 127.0.0.1:{self.port}, "
            f"ready in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def wait_until_ready(self, timeout: float = 60.0) -> None:
        """Until every worker has answered (each loads Django on its own): a few good answers in a row."""
        deadline, good = time.monotonic() + timeout, 0
        while good < 4 * self.workers:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped with status {self.process.returncode}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not answer within {timeout:.0f} s:\n{self.log_tail()}")
            try:
                status, _ = Connection(self.port).get("/bench/trivial/", close=True)
            except OSError:
                status = 0
            good = good + 1 if status == 200 else 0
            if status != 200:
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown (SIGTERM waits for idle workers)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def worker_cpu_seconds(self) -> float | None:
        """User and system CPU time of the worker processes so far, from /proc (None where there is none)."""
        if self.process is None or not Path("/proc").is_dir():
            return None
        tick, total, master = os.sysconf("SC_CLK_TCK"), 0, str(self.process.pid)
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if fields[1] == master:  # the parent's pid: a worker of this server
                    total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / tick

    def log_tail(self, lines: int = 30) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def stop_with_parent() -> None:
    """In the server's process before gunicorn starts: on Linux, have it sent SIGTERM if this script dies.

    Covers a SIGKILL of the script (a test's timeout), which leaves no chance to stop the server otherwise.
    """
    if sys.platform == "linux":
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Connection:
    """A minimal HTTP/1.1 client on one socket: GET, read the status and a Content-Length body, keep it open."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.head = f"Host: 127.0.0.1:{port}\r\nUser-Agent: techmarket-bench\r\nAccept: text/html\r\n"

    def get(self, path: str, *, close: bool = False) -> tuple[int, int]:
        """The response's status and body length. Reconnects when the server closed the connection."""
        reused = self.sock is not None
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        request = f"GET {path} HTTP/1.1\r\n{self.head}{'Connection: close' + chr(13) + chr(10) if close else ''}\r\n"
        try:
            self.sock.sendall(request.encode())
            return self.read_response()
        except (ConnectionError, EOFError):
            self.close()
            if not reused:
                raise
            return self.get(path, close=close)  # the server closed a kept connection while idle: once more

    def read_response(self) -> tuple[int, int]:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the server closed the connection")
            data += chunk
        head, body = data.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = dict(line.lower().split(":", 1) for line in lines[1:])
        length = headers.get("content-length")
        if length is None:
            raise ConnectionError(f"a response without Content-Length ({status})")
        remaining = int(length) - len(body)
        while remaining > 0:
            chunk = self.sock.recv(min(remaining, 262144))
            if not chunk:
                raise EOFError("the server closed the connection mid-body")
            remaining -= len(chunk)
        if headers.get("connection", "").strip() == "close":
            self.close()
        return status, int(length)

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


# The load ------------------------------------------------------------------------------------------------------


@dataclass
class Tally:
    """What the clients saw for one kind of URL over all its measured slices."""

    latencies: list[float] = field(default_factory=list)
    bad: dict[str, int] = field(default_factory=dict)  # status or error -> count
    seconds: float = 0.0
    bytes: int = 0
    server_cpu: float | None = 0.0
    client_cpu: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies) + sum(self.bad.values())

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_clients(port: int, paths: list[str], clients: int, seconds: float, tally: Tally | None) -> None:
    """``clients`` threads send requests in turn over ``paths`` for ``seconds``; recorded in ``tally`` if given."""
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    finished: list[float] = []

    def client(index: int) -> None:
        connection, latencies, bad, size = Connection(port), [], {}, 0
        position = index * len(paths) // clients
        while time.perf_counter() < deadline:
            path = paths[position % len(paths)]
            position += 1
            started = time.perf_counter()
            try:
                status, length = connection.get(path)
            except (OSError, ValueError) as error:
                bad[type(error).__name__] = bad.get(type(error).__name__, 0) + 1
                connection.close()
                continue
            if status == 200:
                latencies.append(time.perf_counter() - started)
                size += length
            else:
                bad[str(status)] = bad.get(str(status), 0) + 1
        connection.close()
        with lock:
            finished.append(time.perf_counter())
            if tally is not None:
                tally.latencies.extend(latencies)
                tally.bytes += size
                for key, number in bad.items():
                    tally.bad[key] = tally.bad.get(key, 0) + number

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if tally is not None:
        tally.seconds += max(finished) - started


def load(server: Server, kinds: dict[str, list[str]], args) -> dict[str, Tally]:
    if args.warmup:
        for paths in kinds.values():
            run_clients(server.port, paths, args.clients, args.warmup, None)
        print(f"warmed up: {args.warmup:g} s per kind", flush=True)
    tallies = {name: Tally() for name in kinds}
    for round_number in range(1, args.rounds + 1):
        for name, paths in kinds.items():
            tally = tallies[name]
            server_before, client_before = server.worker_cpu_seconds(), time.process_time()
            run_clients(server.port, paths, args.clients, args.seconds / args.rounds, tally)
            server_after = server.worker_cpu_seconds()
            tally.client_cpu += time.process_time() - client_before
            if server_before is None or server_after is None or tally.server_cpu is None:
                tally.server_cpu = None
            else:
                tally.server_cpu += server_after - server_before
        summary = ", ".join(f"{name} {tally.rate:,.0f}/s" for name, tally in tallies.items())
        print(f"round {round_number}/{args.rounds}: {summary} so far", flush=True)
    return tallies


# The report ----------------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def report(tallies: dict[str, Tally], kinds: dict[str, list[str]], min_ratio: float) -> list[str]:
    """Print the table and the verdict lines; return what failed."""
    rate_table(tallies, kinds)
    failures = response_check(tallies)
    trivial, detail = tallies["trivial"], tallies["detail"]
    if trivial.server_cpu and detail.server_cpu and trivial.requests and detail.requests:
        cost = (trivial.server_cpu / trivial.requests) / (detail.server_cpu / detail.requests)
        print(f"detail/trivial by server CPU time per request = {cost:.2f} (the same comparison, load aside)")
    ratio = detail.rate / trivial.rate if trivial.rate else 0.0
    reached = ratio >= min_ratio
    print(f"detail/trivial = {ratio:.2f} (target >= {min_ratio:.2f}): {'ok' if reached else 'NOT reached'}")
    if not reached:
        failures.append(f"the detail page served {ratio:.2f} of the trivial view's rate, under {min_ratio:.2f}")
    return failures


def rate_table(tallies: dict[str, Tally], kinds: dict[str, list[str]]) -> None:
    """The table of requests, rates, latencies and CPU time per kind of URL, with each rate as a share of trivial's."""
    trivial = tallies["trivial"]
    header = ("url kind", "urls", "requests", "rps", "p50", "p95", "server CPU/req", "client CPU/req", "ratio")
    rows = []
    for name, tally in tallies.items():
        done = bool(tally.latencies)
        rows.append(
            (
                name,
                f"{len(kinds[name]):,}",
                f"{tally.requests:,}",
                f"{tally.rate:,.1f}",
                f"{statistics.median(tally.latencies) * 1000:.1f} ms" if done else "-",
                f"{percentile(tally.latencies, 0.95) * 1000:.1f} ms" if done else "-",
                f"{tally.server_cpu / tally.requests * 1000:.2f} ms" if tally.server_cpu and tally.requests else "-",
                f"{tally.client_cpu / tally.requests * 1000:.2f} ms" if tally.requests else "-",
                f"{tally.rate / trivial.rate:.2f}" if trivial.rate else "-",
            )
        )
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    print()
    for row in (header, tuple("-" * width for width in widths), *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    print()


def response_check(tallies: dict[str, Tally]) -> list[str]:
    """Print whether every response was a 200; return the failure if not."""
    failures = []
    bad = {name: tally.bad for name, tally in tallies.items() if tally.bad}
    total = sum(tally.requests for tally in tallies.values())
    if bad:
        found = "; ".join(
            f"{name}: " + ", ".join(f"{number} x {what}" for what, number in sorted(counts.items()))
            for name, counts in bad.items()
        )
        print(f"responses: {found} of {total:,}: NOT all 200")
        failures.append(f"responses not 200 ({found})")
    else:
        print(f"responses: all {total:,} were 200: ok")
    return failures


if __name__ == "__main__":
    sys.exit(main())
