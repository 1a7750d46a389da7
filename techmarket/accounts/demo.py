"""Demo accounts for ``manage.py seed_demo``: platform users, organisations and their members, a broker.

Everything is created through the services in ``services.py`` (so the audit
trail and object permissions are the real ones), except the superuser, which
only ``create_superuser`` can make, and the platform staff group membership,
which no service grants.

The organisations' names and places are real for the universities and
institutes and fictional for the enterprises and agencies. Their unified
social credit codes are NOT the real ones: :func:`demo_credit_code` generates
valid-looking codes (both check characters correct) from each organisation's
key, so the same key always gives the same code and reruns find what the
last run created.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from stdnum.cn import uscc

from techmarket.demo import DemoStep
from techmarket.regions import gbt2260
from techmarket.regions.models import TechnologyField

from .choices import OrganisationKind, VerificationStatus
from .models import BrokerProfile, Membership, Organisation, User
from .permissions import platform_staff_group
from .services import (
    broker_profile_save,
    membership_approve,
    membership_request,
    organisation_create,
    organisation_verify,
    user_register,
)

DEMO_PASSWORD = "TechMarket2026!"  # noqa: S105 - published on purpose: it is the demo site's login
DEMO_EMAIL_DOMAIN = "demo.techmarket.cn"
VERIFICATION_NOTE = "示范数据：已由平台运营核验"


@dataclass(frozen=True)
class Person:
    """A demo user: the e-mail address is ``<login>@demo.techmarket.cn``."""

    login: str
    name: str
    phone: str | None = None

    @property
    def email(self) -> str:
        return f"{self.login}@{DEMO_EMAIL_DOMAIN}"


# --- The demo logins: printed at the end of seed_demo; the README copies this table. ---

SUPERUSER = Person("admin", "平台管理员", "13900000001")
PLATFORM_STAFF = Person("ops", "运营专员", "13900000002")
BROKER = Person("broker", "陈思远", "13900000003")
UNIVERSITY_ADMIN = Person("fudan.admin", "周文博", "13900001001")
UNIVERSITY_STAFF = Person("fudan.staff", "郑凯")
ENTERPRISE_ADMIN = Person("weilan.admin", "徐晨阳", "13900002001")
ENTERPRISE_STAFF = Person("weilan.staff", "邓晨", "13900002002")
JOIN_REQUEST = Person("weilan.applicant", "曹雨桐")
UNVERIFIED_ADMIN = Person("bencaoyuan.admin", "夏春燕")
AGENCY_ADMIN = Person("yrdtt.admin", "许志明", "13900003001")

LOGINS: tuple[tuple[str, Person], ...] = (
    ("Superuser (Django admin, Wagtail)", SUPERUSER),
    ("Platform staff (verifies organisations)", PLATFORM_STAFF),
    ("Technology-transfer manager", BROKER),
    ("University admin (复旦大学)", UNIVERSITY_ADMIN),
    ("University staff (复旦大学)", UNIVERSITY_STAFF),
    ("Enterprise admin (苏州微澜新材料)", ENTERPRISE_ADMIN),
    ("Enterprise staff (苏州微澜新材料)", ENTERPRISE_STAFF),
    ("Join request awaiting approval", JOIN_REQUEST),
    ("Admin of an unverified enterprise", UNVERIFIED_ADMIN),
    ("Service agency admin", AGENCY_ADMIN),
)
# Every other organisation's administrator signs in as <key>.admin@demo.techmarket.cn.


# --- Credit codes ---

# Registration authority and category (GB 32100-2015, first two characters).
_CATEGORY = {
    OrganisationKind.UNIVERSITY: "12",  # 机构编制 / 事业单位
    OrganisationKind.INSTITUTE: "12",
    OrganisationKind.ENTERPRISE: "91",  # 工商 / 企业
    OrganisationKind.AGENCY: "91",
    OrganisationKind.GOVERNMENT: "11",  # 机构编制 / 机关
}
_ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code_check(body: str) -> str:
    """The GB 11714 check character for the 8 digits of an organisation code."""
    total = sum(int(digit) * weight for digit, weight in zip(body, _ORGANISATION_CODE_WEIGHTS, strict=True))
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def demo_credit_code(category: str, area: str, key: str) -> str:
    """A generated, valid unified social credit code: category + area code + organisation code + check.

    Demo codes only: they are derived from ``key`` and are not any real
    organisation's code. The organisation code's 8 digits come from a hash of
    the key, so codes stay stable when the demo data is reordered or extended.
    """
    body = f"{int(hashlib.sha256(key.encode()).hexdigest(), 16) % 10**8:08d}"
    partial = f"{category}{area}{body}{organisation_code_check(body)}"
    return partial + uscc.calc_check_digit(partial)


# --- Organisations ---


@dataclass(frozen=True)
class DemoOrganisation:
    """An organisation to seed. ``key`` names its generated credit code and its people's logins."""

    key: str
    kind: OrganisationKind
    name_zh: str
    name_en: str
    city: str  # GB/T 2260; the district in Shanghai
    admin: Person
    description: str = ""
    website: str = ""
    staff: tuple[Person, ...] = ()  # active members, approved by the admin
    applicants: tuple[Person, ...] = ()  # join requests left for the admin to decide
    verified: bool = True
    category: str = ""  # credit code category when it differs from the kind's usual one

    @property
    def province(self) -> str:
        return self.city[:2] + "0000"

    @property
    def credit_code(self) -> str:
        return demo_credit_code(self.category or _CATEGORY[self.kind], self.city, self.key)


_UNI, _INST, _ENT, _AGENCY = (
    OrganisationKind.UNIVERSITY,
    OrganisationKind.INSTITUTE,
    OrganisationKind.ENTERPRISE,
    OrganisationKind.AGENCY,
)

SUPPLIERS: tuple[DemoOrganisation, ...] = (
    # 上海
    DemoOrganisation(
        "fudan",
        _UNI,
        "复旦大学",
        "Fudan University",
        "310110",
        UNIVERSITY_ADMIN,
        "综合性研究型大学，科技成果转化覆盖生物医药、集成电路和人工智能等领域。",
        "https://www.fudan.edu.cn",
        staff=(UNIVERSITY_STAFF,),
    ),
    DemoOrganisation(
        "sjtu",
        _UNI,
        "上海交通大学",
        "Shanghai Jiao Tong University",
        "310104",
        Person("sjtu.admin", "李静怡", "13900001002"),
        "综合性研究型大学，在船舶海洋、先进制造和生物医药方向有大量可许可专利。",
        "https://www.sjtu.edu.cn",
        staff=(Person("sjtu.staff", "谢文静"),),
    ),
    DemoOrganisation(
        "tongji",
        _UNI,
        "同济大学",
        "Tongji University",
        "310110",
        Person("tongji.admin", "王立新"),
        "以土木、交通和汽车工程见长的研究型大学，面向企业开展专利许可与联合研发。",
        "https://www.tongji.edu.cn",
    ),
    DemoOrganisation(
        "ecust",
        _UNI,
        "华东理工大学",
        "East China University of Science and Technology",
        "310104",
        Person("ecust.admin", "赵敏"),
        "以化工、材料和生物工程为特色的研究型大学。",
        "https://www.ecust.edu.cn",
    ),
    DemoOrganisation(
        "sim",
        _INST,
        "中国科学院上海微系统与信息技术研究所",
        "Shanghai Institute of Microsystem and Information Technology, Chinese Academy of Sciences",
        "310105",
        Person("sim.admin", "孙浩然"),
        "从事微系统、传感器和信息功能材料研究，成果面向集成电路与物联网企业转化。",
        "http://www.sim.cas.cn",
    ),
    # 江苏
    DemoOrganisation(
        "nju",
        _UNI,
        "南京大学",
        "Nanjing University",
        "320100",
        Person("nju.admin", "刘佳琪"),
        "综合性研究型大学，技术转移中心为长三角企业提供成果对接服务。",
        "https://www.nju.edu.cn",
        staff=(Person("nju.staff", "韩冰"),),
    ),
    DemoOrganisation(
        "seu",
        _UNI,
        "东南大学",
        "Southeast University",
        "320100",
        Person("seu.admin", "吴建国"),
        "以工科见长的研究型大学，在电子信息、集成电路和土木交通领域转化活跃。",
        "https://www.seu.edu.cn",
    ),
    DemoOrganisation(
        "suda",
        _UNI,
        "苏州大学",
        "Soochow University",
        "320500",
        Person("suda.admin", "徐丽娟"),
        "综合性大学，在纳米材料、纺织和医学领域与苏州企业合作紧密。",
        "https://www.suda.edu.cn",
    ),
    DemoOrganisation(
        "jiangnan",
        _UNI,
        "江南大学",
        "Jiangnan University",
        "320200",
        Person("jiangnan.admin", "朱海涛"),
        "以食品科学、轻工和生物工程为特色的研究型大学。",
        "https://www.jiangnan.edu.cn",
    ),
    # 浙江
    DemoOrganisation(
        "zju",
        _UNI,
        "浙江大学",
        "Zhejiang University",
        "330100",
        Person("zju.admin", "胡晓峰", "13900001003"),
        "综合性研究型大学，积极开展专利开放许可和“先使用后付费”试点。",
        "https://www.zju.edu.cn",
        staff=(Person("zju.staff", "唐宇航"),),
    ),
    DemoOrganisation(
        "zjut",
        _UNI,
        "浙江工业大学",
        "Zhejiang University of Technology",
        "330100",
        Person("zjut.admin", "郭雅婷"),
        "以工科为主的大学，在化工、机械和药学领域向中小企业许可成果。",
        "https://www.zjut.edu.cn",
    ),
    DemoOrganisation(
        "zhejianglab",
        _INST,
        "之江实验室",
        "Zhejiang Lab",
        "330100",
        Person("zhejianglab.admin", "何俊杰"),
        "新型研发机构，聚焦智能计算与人工智能基础研究。",
    ),
    DemoOrganisation(
        "nimte",
        _INST,
        "中国科学院宁波材料技术与工程研究所",
        "Ningbo Institute of Materials Technology and Engineering, Chinese Academy of Sciences",
        "330200",
        Person("nimte.admin", "高志强"),
        "从事先进材料和相关制造技术研究，磁性材料与新能源材料成果在宁波落地转化。",
    ),
    # 安徽
    DemoOrganisation(
        "ustc",
        _UNI,
        "中国科学技术大学",
        "University of Science and Technology of China",
        "340100",
        Person("ustc.admin", "林雨萱", "13900001004"),
        "以前沿科学和高新技术为主的研究型大学，量子信息等方向成果在合肥转化。",
        "https://www.ustc.edu.cn",
        staff=(Person("ustc.staff", "冯子豪"),),
    ),
    DemoOrganisation(
        "hfut",
        _UNI,
        "合肥工业大学",
        "Hefei University of Technology",
        "340100",
        Person("hfut.admin", "马振华"),
        "以工科为主的大学，在汽车、装备制造和材料领域与企业合作广泛。",
        "https://www.hfut.edu.cn",
    ),
    DemoOrganisation(
        "hfips",
        _INST,
        "中国科学院合肥物质科学研究院",
        "Hefei Institutes of Physical Science, Chinese Academy of Sciences",
        "340100",
        Person("hfips.admin", "罗晓燕"),
        "多学科综合研究机构，在能源、环境和健康领域开展技术转移。",
        "http://www.hf.cas.cn",
    ),
)

ENTERPRISES: tuple[DemoOrganisation, ...] = (
    # 上海
    DemoOrganisation(
        "xinlan",
        _ENT,
        "上海芯澜微电子科技有限公司",
        "Shanghai Xinlan Microelectronics Technology Co., Ltd.",
        "310115",
        Person("xinlan.admin", "沈一鸣"),
        "专注车规级电源管理与模拟芯片设计，产品用于新能源汽车电控系统。",
    ),
    DemoOrganisation(
        "ruichi",
        _ENT,
        "上海锐驰智能驾驶科技有限公司",
        "Shanghai Ruichi Intelligent Driving Technology Co., Ltd.",
        "310114",
        Person("ruichi.admin", "陆志远"),
        "为整车企业提供辅助驾驶域控制器与感知算法，正在寻找多传感器融合方向的合作研发伙伴。",
    ),
    DemoOrganisation(
        "chengyuan",
        _ENT,
        "上海澄源生物医药科技有限公司",
        "Shanghai Chengyuan Biomedical Technology Co., Ltd.",
        "310115",
        Person("chengyuan.admin", "顾婉清"),
        "从事抗体偶联药物的早期研发，拥有自建的细胞株开发平台。",
    ),
    DemoOrganisation(
        "qiheng",
        _ENT,
        "上海启衡人工智能科技有限公司",
        "Shanghai Qiheng Artificial Intelligence Technology Co., Ltd.",
        "310104",
        Person("qiheng.admin", "钱浩"),
        "面向制造业提供工业视觉质检与知识问答系统，希望引进高校的小样本学习成果。",
    ),
    DemoOrganisation(
        "tanyu",
        _ENT,
        "上海碳羽新材料有限公司",
        "Shanghai Tanyu Advanced Materials Co., Ltd.",
        "310117",
        Person("tanyu.admin", "蒋思琪"),
        "研发生产碳纤维复合材料结构件，应用于低空飞行器与轨道交通。",
    ),
    # 江苏
    DemoOrganisation(
        "weilan",
        _ENT,
        "苏州微澜新材料科技有限公司",
        "Suzhou Weilan Advanced Materials Technology Co., Ltd.",
        "320500",
        ENTERPRISE_ADMIN,
        "专注高性能聚合物微球与色谱填料的研发与生产，希望引进高校的表面改性技术。",
        staff=(ENTERPRISE_STAFF,),
        applicants=(JOIN_REQUEST,),
    ),
    DemoOrganisation(
        "xince",
        _ENT,
        "无锡芯测半导体科技有限公司",
        "Wuxi Xince Semiconductor Technology Co., Ltd.",
        "320200",
        Person("xince.admin", "秦磊"),
        "提供晶圆级测试与先进封装测试服务，正在建设车规芯片可靠性实验室。",
    ),
    DemoOrganisation(
        "yuanchi",
        _ENT,
        "南京源驰新能源科技有限公司",
        "Nanjing Yuanchi New Energy Technology Co., Ltd.",
        "320100",
        Person("yuanchi.admin", "孔令辉"),
        "开发动力电池管理系统与储能变流器，产品配套新能源汽车零部件企业。",
    ),
    DemoOrganisation(
        "liqing",
        _ENT,
        "常州锂擎电池材料有限公司",
        "Changzhou Liqing Battery Materials Co., Ltd.",
        "320400",
        Person("liqing.admin", "丁文韬"),
        "生产磷酸锰铁锂正极材料，寻求固态电解质方向的技术合作。",
    ),
    DemoOrganisation(
        "kangyan",
        _ENT,
        "泰州康研生物技术有限公司",
        "Taizhou Kangyan Biotechnology Co., Ltd.",
        "321200",
        Person("kangyan.admin", "杨帆"),
        "从事重组蛋白疫苗与体外诊断试剂的研发。",
    ),
    # 浙江
    DemoOrganisation(
        "zhiheng",
        _ENT,
        "杭州知衡智能科技有限公司",
        "Hangzhou Zhiheng Intelligent Technology Co., Ltd.",
        "330100",
        Person("zhiheng.admin", "潘可欣", "13900002003"),
        "研发服务机器人的具身智能算法与灵巧手，正在与高校共建联合实验室。",
    ),
    DemoOrganisation(
        "yongci",
        _ENT,
        "宁波甬磁新材料有限公司",
        "Ningbo Yongci Magnetic Materials Co., Ltd.",
        "330200",
        Person("yongci.admin", "范立军"),
        "生产高性能钕铁硼永磁材料，重点开发低重稀土晶界扩散工艺。",
    ),
    DemoOrganisation(
        "hexin",
        _ENT,
        "嘉兴禾芯半导体有限公司",
        "Jiaxing Hexin Semiconductor Co., Ltd.",
        "330400",
        Person("hexin.admin", "宋佳怡"),
        "设计碳化硅功率器件与模块，面向光伏逆变器和车载充电机市场。",
    ),
    DemoOrganisation(
        "lvchi",
        _ENT,
        "湖州绿驰新能源汽车部件有限公司",
        "Huzhou Lvchi New Energy Vehicle Components Co., Ltd.",
        "330500",
        Person("lvchi.admin", "方明"),
        "生产新能源汽车电驱动总成与热管理部件。",
        verified=False,
    ),
    DemoOrganisation(
        "yueyuan",
        _ENT,
        "绍兴越元生物医药有限公司",
        "Shaoxing Yueyuan Biopharmaceutical Co., Ltd.",
        "330600",
        Person("yueyuan.admin", "袁梦瑶"),
        "专注小分子创新药的工艺开发与中试生产，提供定制研发生产服务。",
    ),
    # 安徽
    DemoOrganisation(
        "xinheng",
        _ENT,
        "合肥芯衡集成电路有限公司",
        "Hefei Xinheng Integrated Circuit Co., Ltd.",
        "340100",
        Person("xinheng.admin", "程栋"),
        "设计显示驱动芯片与触控芯片，客户包括多家面板企业。",
    ),
    DemoOrganisation(
        "zhiqing",
        _ENT,
        "合肥智擎新能源汽车科技有限公司",
        "Hefei Zhiqing New Energy Vehicle Technology Co., Ltd.",
        "340100",
        Person("zhiqing.admin", "汪洋"),
        "开发整车控制器与车载软件平台，为新能源汽车产业集群配套。",
    ),
    DemoOrganisation(
        "yihang",
        _ENT,
        "芜湖翼航智能装备有限公司",
        "Wuhu Yihang Intelligent Equipment Co., Ltd.",
        "340200",
        Person("yihang.admin", "陶国庆"),
        "研制工业机器人视觉引导系统与智能焊接装备。",
    ),
    DemoOrganisation(
        "jingli",
        _ENT,
        "蚌埠晶砺新材料有限公司",
        "Bengbu Jingli New Materials Co., Ltd.",
        "340300",
        Person("jingli.admin", "姜宁"),
        "研发超薄电子玻璃与光伏玻璃镀膜材料。",
    ),
    DemoOrganisation(
        "bencaoyuan",
        _ENT,
        "亳州本草源生物科技有限公司",
        "Bozhou Bencaoyuan Biotechnology Co., Ltd.",
        "341600",
        UNVERIFIED_ADMIN,
        "从事中药材有效成分提取与中药配方颗粒研发。",
        verified=False,
    ),
)

AGENCIES: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        "yrdtt",
        _AGENCY,
        "长三角技术转移服务中心（示范）",
        "Yangtze River Delta Technology Transfer Service Centre (demo)",
        "310110",
        AGENCY_ADMIN,
        "示范用的技术转移服务机构，提供技术评估、交易撮合和技术合同登记辅导。",
        category="12",  # set up as a public institution (事业单位)
    ),
    DemoOrganisation(
        "qiantang",
        _AGENCY,
        "钱塘技术经纪服务有限公司（示范）",
        "Qiantang Technology Brokerage Services Co., Ltd. (demo)",
        "330100",
        Person("qiantang.admin", "叶青"),
        "示范用的技术经纪机构，为中小企业对接专利开放许可和“先使用后付费”项目。",
    ),
)

ORGANISATIONS: tuple[DemoOrganisation, ...] = SUPPLIERS + ENTERPRISES + AGENCIES
_BY_KEY = {org.key: org for org in ORGANISATIONS}


def demo_organisation(key: str) -> Organisation:
    """The seeded organisation for a demo key, for the steps of later apps (``demo_organisation("fudan")``)."""
    return Organisation.objects.get(credit_code=_BY_KEY[key].credit_code)


# --- Brokers ---


@dataclass(frozen=True)
class DemoBroker:
    person: Person
    agency: str  # key of a DemoOrganisation
    certificate_number: str
    field_slugs: tuple[str, ...]
    introduction: str
    provinces_served: tuple[str, ...] = gbt2260.YRD_PROVINCES


BROKERS: tuple[DemoBroker, ...] = (
    DemoBroker(
        BROKER,
        "yrdtt",
        "JSJL-2023-0315",
        ("advanced-materials", "integrated-circuits", "new-energy-vehicles", "biomedicine"),
        "从事技术转移工作八年，熟悉高校专利许可和“先使用后付费”项目，服务长三角三省一市。",
    ),
)


# --- Steps ---


def _user(person: Person) -> tuple[User, bool]:
    """The person's account, registered if it does not exist yet; True when it was just created."""
    user = User.objects.filter(email__iexact=person.email).first()
    if user is not None:
        return user, False
    return user_register(email=person.email, name=person.name, password=DEMO_PASSWORD, phone=person.phone), True


def _member(person: Person, organisation: Organisation, *, approver: User | None) -> bool:
    """Make the person ask to join; the approver, if given, accepts the request."""
    user, created = _user(person)
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        return created
    membership = membership_request(user=user, organisation=organisation)
    if approver is not None:
        membership_approve(actor=approver, membership=membership)
    return True


def seed_superuser(person: Person) -> bool:
    if User.objects.filter(email__iexact=person.email).exists():
        return False
    User.objects.create_superuser(person.email, DEMO_PASSWORD, name=person.name, phone=person.phone)
    return True


def seed_platform_staff(person: Person) -> bool:
    user, created = _user(person)
    group = platform_staff_group()
    if not user.groups.filter(pk=group.pk).exists():
        user.groups.add(group)
        created = True
    return created


def seed_organisation(data: DemoOrganisation) -> bool:
    created = False
    organisation = Organisation.objects.filter(credit_code=data.credit_code).first()
    if organisation is None:
        admin, _ = _user(data.admin)
        organisation = organisation_create(
            actor=admin,
            kind=data.kind,
            name_zh=data.name_zh,
            name_en=data.name_en,
            credit_code=data.credit_code,
            province=data.province,
            city=data.city,
            website=data.website,
            description=data.description,
        )
        created = True
    # Only a pending organisation is verified, so a rerun neither re-verifies nor undoes a decision made since.
    if data.verified and organisation.verification_status == VerificationStatus.PENDING:
        staff = User.objects.get(email__iexact=PLATFORM_STAFF.email)
        organisation_verify(actor=staff, organisation=organisation, approve=True, note=VERIFICATION_NOTE)
        created = True
    admin = User.objects.get(email__iexact=data.admin.email)
    for person in data.staff:
        created |= _member(person, organisation, approver=admin)
    for person in data.applicants:
        created |= _member(person, organisation, approver=None)
    return created


def seed_broker(data: DemoBroker) -> bool:
    agency = demo_organisation(data.agency)
    approver = User.objects.get(email__iexact=_BY_KEY[data.agency].admin.email)
    created = _member(data.person, agency, approver=approver)
    user = User.objects.get(email__iexact=data.person.email)
    if BrokerProfile.objects.filter(user=user).exists():
        return created
    broker_profile_save(
        user=user,
        certificate_number=data.certificate_number,
        provinces_served=list(data.provinces_served),
        field_ids=list(TechnologyField.objects.filter(slug__in=data.field_slugs).values_list("pk", flat=True)),
        introduction=data.introduction,
        agency=agency,
    )
    return True


STEPS: tuple[DemoStep, ...] = (
    DemoStep("superuser", (SUPERUSER,), seed_superuser),
    DemoStep("platform staff", (PLATFORM_STAFF,), seed_platform_staff),
    DemoStep("organisations", ORGANISATIONS, seed_organisation),
    DemoStep("technology-transfer managers", BROKERS, seed_broker),
)
