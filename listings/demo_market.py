"""Demo demands and inquiries for ``manage.py seed_demo``, after the demo listings.

Twenty technology demands (企业出题) posted by the demo enterprises, most with
proposals from universities and institutes (some shortlisted, a few selected),
and inquiries from the enterprises about published listings, some answered.
Everything goes through the services with the demo people as actors, so the
rules, the audit log and the rate limit are the real ones. The choices come
from ``random.Random(2026)``; an item is skipped when its demand (by title) or
inquiry (by sender and listing) already exists, so a rerun adds nothing.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from techmarket.accounts.choices import SUPPLIER_KINDS, OrganisationKind
from techmarket.accounts.demo import ENTERPRISES, SUPPLIERS, demo_organisation
from techmarket.accounts.models import Organisation
from techmarket.demo import DemoStep
from techmarket.regions.models import TechnologyField

from .models import BudgetRange, Demand, Inquiry, Listing, Timeline
from .services.demands import demand_create, proposal_create, proposal_select, proposal_shortlist
from .services.inquiries import inquiry_create, inquiry_reply

# (field slug, title, problem): what the demo enterprises ask the universities for.
DEMANDS = (
    (
        "integrated-circuits",
        "车规级 SiC 功率模块封装可靠性提升",
        "现有模块在 175℃ 功率循环下焊层易开裂，需要新的烧结银工艺或结构设计，使功率循环寿命提高一倍。",
    ),
    (
        "integrated-circuits",
        "晶圆级测试探针卡国产化",
        "高引脚数探针卡依赖进口，交期长。希望联合开发 MEMS 探针卡，接触电阻稳定在 1 欧姆以内。",
    ),
    (
        "artificial-intelligence",
        "小样本工业缺陷检测算法",
        "产线新品种缺陷样本少于 50 张，现有模型漏检率高。需要小样本或无监督方法，漏检率低于千分之五。",
    ),
    (
        "artificial-intelligence",
        "面向制造业的知识问答大模型私有化部署",
        "需要在单台 8 卡服务器上部署行业问答模型，支持工艺文件检索增强，响应时间小于 2 秒。",
    ),
    (
        "biomedicine",
        "抗体偶联药物新型连接子",
        "现有连接子在血浆中稳定性不足，需要可裂解新型连接子及其偶联工艺，提升治疗窗口。",
    ),
    (
        "biomedicine",
        "细胞培养基无血清配方优化",
        "CHO 细胞表达量偏低，希望优化无血清培养基配方，使抗体表达量提高百分之三十以上。",
    ),
    (
        "advanced-materials",
        "高性能聚合物微球表面改性",
        "色谱填料微球表面接枝密度不均，批间差大。需要可放大的表面改性工艺。",
    ),
    (
        "advanced-materials",
        "碳纤维复合材料快速固化树脂体系",
        "现有环氧体系固化时间 2 小时，希望缩短到 15 分钟以内，力学性能不下降。",
    ),
    (
        "high-end-equipment",
        "精密减速器齿面磨削工艺",
        "RV 减速器回差一致性差，需要磨削工艺与在线检测方案，回差控制在 1 弧分以内。",
    ),
    (
        "high-end-equipment",
        "五轴数控机床热误差补偿",
        "连续加工 4 小时后热漂移超过 20 微米，需要热误差建模与实时补偿方案。",
    ),
    (
        "new-energy",
        "钙钛矿组件大面积涂布均匀性",
        "600×1200 毫米组件效率离散大，需要狭缝涂布与结晶控制工艺，效率离散小于百分之三。",
    ),
    ("new-energy", "储能电站电池一致性在线评估", "需要基于运行数据的电池一致性评估与均衡策略，延长储能电站寿命。"),
    (
        "new-energy-vehicles",
        "动力电池包热失控早期预警",
        "需要多传感器融合的热失控早期预警算法，预警提前量大于 5 分钟，误报率低。",
    ),
    ("new-energy-vehicles", "轮毂电机轻量化设计", "现有轮毂电机功率密度不足，希望在同等扭矩下减重百分之二十。"),
    (
        "quantum-information",
        "量子随机数发生器芯片化",
        "希望将量子随机数发生器集成到标准封装芯片中，生成速率不低于 1 Gbps。",
    ),
    ("energy-saving", "印染废水深度处理与回用", "印染废水 COD 波动大，需要低成本深度处理工艺，回用率达到百分之六十。"),
    ("energy-saving", "工业园区蒸汽管网节能诊断", "园区蒸汽管网损耗高，需要基于监测数据的泄漏定位与节能诊断方法。"),
    (
        "digital-economy",
        "中小制造企业低代码数字化平台",
        "需要适合 200 人以下制造企业的低代码平台，覆盖订单、排产与质量追溯。",
    ),
    (
        "modern-agriculture",
        "设施蔬菜病害智能识别",
        "温室番茄病害识别依赖人工巡检，需要基于图像的早期识别系统，准确率大于百分之九十。",
    ),
    (
        "electronic-information",
        "毫米波雷达天线一体化封装",
        "需要 77GHz 雷达芯片与天线一体化封装方案，降低成本并提高一致性。",
    ),
)
PROPOSAL_TEXT = (
    "课题组在该方向有多年积累，已完成实验室验证，可在六个月内完成中试并提供技术指标测试报告。",
    "我们已有相关专利和样机，建议以合作开发方式推进，第一阶段三个月完成方案验证。",
    "团队曾为多家企业解决类似问题，可派驻工程师联合攻关，按里程碑付费。",
)
USES = (
    "拟用于我司新一代产品的研发，希望了解技术指标、中试情况以及许可方式。",
    "我们正在建设新产线，想评估该技术的产业化可行性，能否提供样品测试？",
    "希望以普通许可方式引进，请问是否可以先使用后付费？",
    "我司有现成的客户渠道，考虑合作开发或作价入股，想约时间交流。",
)
REPLIES = (
    "感谢关注！可以先签保密协议，我们提供详细技术资料和测试数据。",
    "可以提供样品，请告知具体应用场景和技术要求，我们安排技术人员对接。",
)


INQUIRY_COUNT = 40


@dataclass(frozen=True)
class DemoDemand:
    number: int
    enterprise: str  # demo key
    field: str
    title: str
    problem: str
    budget: Decimal | None
    days_open: int
    open_to_all: bool
    proposers: tuple[str, ...]  # supplier keys
    outcome: str  # "", "shortlist" or "select"


@dataclass(frozen=True)
class DemoInquiry:
    number: int
    enterprise: str
    use: str
    budget: str
    timeline: str
    replied: bool


def plan_demands(count: int = len(DEMANDS)) -> list[DemoDemand]:
    """The first ``count`` of the twenty demands, each posted by one of the verified enterprises in turn."""
    rng = random.Random(2026)  # noqa: S311 - demo data, reproducible on purpose
    enterprises = [e.key for e in ENTERPRISES if e.verified and e.kind == OrganisationKind.ENTERPRISE]
    suppliers = [s.key for s in SUPPLIERS if s.verified and s.kind in SUPPLIER_KINDS]
    plans = []
    for number, (field, title, problem) in enumerate(DEMANDS[:count]):
        budget = None if rng.random() < 0.3 else Decimal(rng.choice([30, 50, 80, 100, 200, 300, 500]) * 10_000)
        proposers = tuple(rng.sample(suppliers, rng.choice([0, 1, 2, 3, 3])))
        outcome = rng.choice(["", "", "shortlist", "select"]) if proposers else ""
        plans.append(
            DemoDemand(
                number,
                enterprises[number % len(enterprises)],
                field,
                title,
                problem,
                budget,
                rng.randint(20, 120),
                rng.random() < 0.85,
                proposers,
                outcome,
            )
        )
    return plans


def plan_inquiries(count: int = INQUIRY_COUNT) -> list[DemoInquiry]:
    """Inquiries sent by the verified enterprises in turn, about published listings picked when seeding."""
    rng = random.Random(2027)  # noqa: S311 - demo data, reproducible on purpose
    enterprises = [e.key for e in ENTERPRISES if e.verified and e.kind == OrganisationKind.ENTERPRISE]
    return [
        DemoInquiry(
            number,
            enterprises[number % len(enterprises)],
            rng.choice(USES),
            rng.choice(BudgetRange.values),
            rng.choice(Timeline.values),
            rng.random() < 0.6,
        )
        for number in range(count)
    ]


def _admin(organisation: Organisation):
    return organisation.memberships.admins().select_related("user").first().user


def seed_demand(plan: DemoDemand) -> bool:
    enterprise = demo_organisation(plan.enterprise)
    if Demand.objects.filter(organisation=enterprise, title=plan.title).exists():
        return False
    demand = demand_create(
        actor=_admin(enterprise),
        organisation=enterprise,
        title=plan.title,
        problem=plan.problem,
        field=TechnologyField.objects.get(slug=plan.field),
        budget=plan.budget,
        deadline=timezone.localdate() + datetime.timedelta(days=plan.days_open),
        open_to_all_provinces=plan.open_to_all,
    )
    proposals = []
    for key in plan.proposers:
        supplier = demo_organisation(key)
        if not plan.open_to_all and supplier.province != enterprise.province:
            continue
        listings = list(Listing.objects.published().filter(organisation=supplier, field=demand.field)[:2])
        text = PROPOSAL_TEXT[(plan.number + len(proposals)) % len(PROPOSAL_TEXT)]
        proposals.append(
            proposal_create(
                actor=_admin(supplier), demand=demand, organisation=supplier, summary=text, listings=listings
            )
        )
    if proposals and plan.outcome:
        proposal_shortlist(actor=_admin(enterprise), proposal=proposals[0])
        if plan.outcome == "select":
            proposal_select(actor=_admin(enterprise), proposal=proposals[0])
    return True


def seed_inquiry(plan: DemoInquiry) -> bool:
    enterprise = demo_organisation(plan.enterprise)
    sender = _admin(enterprise)
    published = Listing.objects.published().order_by("id")
    total = published.count()
    if not total:
        return False
    listing = published[(plan.number * 37) % total]
    if Inquiry.objects.filter(sender=sender, listing=listing).exists():
        return False
    inquiry = inquiry_create(
        actor=sender, listing=listing, intended_use=plan.use, budget=plan.budget, timeline=plan.timeline
    )
    if plan.replied:
        inquiry_reply(actor=_admin(listing.organisation), inquiry=inquiry, body=REPLIES[plan.number % len(REPLIES)])
    return True


def steps(demand_count: int = len(DEMANDS), inquiry_count: int = INQUIRY_COUNT) -> tuple[DemoStep, ...]:
    return (
        DemoStep("technology demands and proposals", plan_demands(demand_count), seed_demand),
        DemoStep("inquiries about listings", plan_inquiries(inquiry_count), seed_inquiry),
    )


STEPS: tuple[DemoStep, ...] = steps()
