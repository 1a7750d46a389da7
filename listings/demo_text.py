"""What the demo listings say: per technology field, its topics and the subjects of software, know-how and other
achievements, with the sentences their summaries, problems, advantages and application scenarios are drawn from.

:mod:`listings.demo_plan` draws from these tables with a seeded generator.
Titles follow the habits of Chinese technology markets: software carries a
version (``……系统V2.0``, as registered for software copyright), know-how is a
process or a technical solution, other achievements are pilot-scale results,
prototypes or "key technologies and application". Single-patent listings take
their patent's title from the registry (``一种……方法``), so title and patent
agree. Everything here is non-confidential by design: no process parameters.

Each field is split into a few topics (a battery is not a wind turbine), and
every subject names its topic, so a listing's problem, advantages and
application scenarios are about what its title says. Registry patents find
their topic by the keywords in their titles. Subjects are ``(Chinese,
English, ...)`` so that some listings can carry an English title;
achievements and know-how also say what sort of thing they are, which decides
the title templates that fit them.
"""

from __future__ import annotations

from dataclasses import dataclass

MATERIAL, DEVICE, METHOD = "material", "device", "method"
PROCESS = "process"  # know-how that is a production process (the others are methods)


@dataclass(frozen=True)
class Topic:
    """Part of a field: the sentences that describe listings about it."""

    keywords: tuple[str, ...]  # words in a registry patent's title that put the patent here
    problems: tuple[str, ...]  # "problem solved", one sentence each
    approaches: tuple[str, ...]  # how a result was reached, to fit "本成果由……完成，{approach}，{advantage}。"
    advantages: tuple[str, ...]  # measurable gains, without final punctuation
    applications: tuple[str, ...]  # scenarios or industries


@dataclass(frozen=True)
class FieldText:
    """One technology field of the market: its topics, and what its listings are about."""

    slug: str  # TechnologyField.slug
    name: str
    colour: tuple[int, int, int]  # the generated pictures' main colour
    motif: str  # what the pictures draw, see demo_images.MOTIFS
    topics: dict[str, Topic]  # the first is where a patent goes when no keyword matches
    software: tuple[tuple[str, str, str], ...]  # (zh, en, topic)
    know_how: tuple[tuple[str, str, str, str], ...]  # (zh, en, PROCESS or METHOD, topic)
    achievements: tuple[tuple[str, str, str, str], ...]  # (zh, en, MATERIAL, DEVICE or METHOD, topic)
    chips: tuple[tuple[str, str, str], ...] = ()  # IC layout designs (zh, en, topic), for the fields that have them
    crops: tuple[tuple[str, str], ...] = ()  # (crop, the character a variety name carries), for plant varieties
    crop_topic: str = ""

    def topic_of(self, subject: str) -> str:
        """The topic of a registry patent, by the keyword found last in what it is about (the noun comes last)."""
        found = {key: max(subject.rfind(word) for word in t.keywords) for key, t in self.topics.items() if t.keywords}
        best = max(found, key=found.get, default="")
        return best if best and found[best] >= 0 else next(iter(self.topics))


FIELDS: dict[str, FieldText] = {
    "ic": FieldText(
        "integrated-circuits",
        "集成电路",
        (31, 78, 121),
        "circuit",
        topics={
            "design": Topic(
                keywords=("模数转换", "存储", "版图", "电路", "芯片"),
                problems=(
                    "高性能模拟和数模混合芯片长期依赖进口，国产芯片在精度、功耗等关键指标上仍有差距。",
                    "芯片设计迭代依赖工程师经验，设计周期长、流片成本高。",
                ),
                approaches=("通过电路架构创新与版图级协同优化", "基于大量流片数据建立模型并迭代改进"),
                advantages=(
                    "关键性能指标达到国际同类产品水平",
                    "功耗降低30%以上",
                    "芯片面积缩小20%",
                    "设计周期缩短40%",
                ),
                applications=("消费电子", "物联网终端", "工业控制", "医疗电子", "数据中心"),
            ),
            "process": Topic(
                keywords=("晶圆", "光刻", "互连", "刻蚀", "清洗", "测试"),
                problems=(
                    "先进工艺节点下良率波动大，缺陷定位依赖人工经验，效率低。",
                    "关键工艺材料和检测设备依赖进口，供应链风险高。",
                ),
                approaches=("结合自主研发的工艺验证平台进行系统优化", "采用新型材料体系和在线量测反馈"),
                advantages=(
                    "良率提升5个百分点以上",
                    "缺陷检出率达到98%以上",
                    "与现有产线工艺兼容，导入成本低",
                    "关键材料实现国产替代",
                ),
                applications=("晶圆制造", "半导体材料", "半导体设备", "集成电路封测"),
            ),
            "power": Topic(
                keywords=("碳化硅", "氮化镓", "功率", "封装", "散热", "热应力", "过流", "堆叠"),
                problems=(
                    "功率器件在高温、高频工况下可靠性不足，难以满足车规和工业级要求。",
                    "先进封装中的热应力和翘曲问题突出，影响芯片的长期可靠性。",
                ),
                approaches=("通过器件结构与封装工艺的协同优化", "采用新型连接材料和热管理结构"),
                advantages=(
                    "器件导通损耗降低20%以上",
                    "通过车规级可靠性考核",
                    "模块热阻降低30%",
                    "已完成可靠性考核，具备量产条件",
                ),
                applications=("新能源汽车电控", "光伏逆变器", "充电桩", "通信基站", "工业电源"),
            ),
        },
        software=(
            ("集成电路版图热点检测", "IC layout hotspot detection", "design"),
            ("晶圆缺陷智能分类", "wafer defect classification", "process"),
            ("模拟电路参数自动寻优", "automatic analogue circuit sizing", "design"),
            ("功率器件可靠性寿命评估", "power device reliability and lifetime assessment", "power"),
            ("晶圆测试良率分析", "wafer test yield analysis", "process"),
            ("功率模块电热联合仿真", "electro-thermal co-simulation of power modules", "power"),
        ),
        know_how=(
            ("碳化硅外延片缺陷控制", "defect control in SiC epitaxy", PROCESS, "power"),
            ("铜互连电镀添加剂配制", "copper interconnect plating additives", PROCESS, "process"),
            ("晶圆级扇出封装", "wafer-level fan-out packaging", PROCESS, "power"),
            ("MEMS器件深硅刻蚀", "deep silicon etching for MEMS devices", PROCESS, "process"),
            ("功率模块银烧结连接", "silver sintering for power modules", PROCESS, "power"),
        ),
        achievements=(
            ("氮化镓射频功率器件", "GaN RF power devices", DEVICE, "power"),
            ("碳化硅MOSFET功率器件", "SiC MOSFET power devices", DEVICE, "power"),
            ("三维异构集成封装", "3D heterogeneous integration packaging", METHOD, "power"),
            ("高纯电子级湿化学品", "high-purity electronic-grade wet chemicals", MATERIAL, "process"),
            ("存算一体芯片", "compute-in-memory chips", DEVICE, "design"),
            ("光刻胶用成膜树脂", "film-forming resins for photoresists", MATERIAL, "process"),
        ),
        chips=(
            ("12位高速逐次逼近型模数转换器芯片", "a 12-bit high-speed SAR ADC chip", "design"),
            ("车规级低压差线性稳压器芯片", "an automotive LDO regulator chip", "power"),
            ("超低功耗蓝牙射频收发芯片", "an ultra-low-power Bluetooth RF transceiver chip", "design"),
            ("图像传感器读出电路芯片", "an image sensor readout chip", "design"),
            ("高精度电流检测放大器芯片", "a precision current-sense amplifier chip", "design"),
        ),
    ),
    "ai": FieldText(
        "artificial-intelligence",
        "人工智能",
        (94, 53, 177),
        "network",
        topics={
            "vision": Topic(
                keywords=("视觉", "图像", "影像", "缺陷", "识别", "分拣", "目标检测", "分割"),
                problems=(
                    "制造企业质检仍以人工目检为主，漏检率高、一致性差，招工难问题突出。",
                    "复杂光照和遮挡条件下，传统视觉算法的识别准确率不足。",
                ),
                approaches=("通过构建面向行业场景的数据集和模型训练流程", "采用小样本学习与数据增强相结合"),
                advantages=(
                    "识别准确率达到98%以上",
                    "标注数据需求减少80%",
                    "相比人工效率提升5倍以上",
                    "可在国产边缘芯片上实时运行",
                ),
                applications=("3C电子质检", "钢铁和纺织表面检测", "电力巡检", "仓储物流", "医学影像"),
            ),
            "language": Topic(
                keywords=("文本", "问答", "知识", "语言", "情感"),
                problems=(
                    "行业知识分散在大量文档中，员工检索和使用效率低。",
                    "通用大模型缺乏行业知识，在专业问题上容易出错。",
                ),
                approaches=("结合知识图谱与大模型提升回答的准确性和可解释性", "通过领域数据微调和检索增强"),
                advantages=(
                    "问答准确率超过90%",
                    "支持私有化部署，数据不出企业",
                    "客服人力成本降低40%",
                    "模型可根据新业务快速迭代",
                ),
                applications=("金融客服", "政务服务", "企业知识管理", "智能制造", "教育培训"),
            ),
            "speech": Topic(
                keywords=("语音", "声"),
                problems=(
                    "复杂噪声环境下语音识别和交互的准确率明显下降。",
                    "客服和会议场景的语音数据量大，人工转写和质检成本高。",
                ),
                approaches=("通过深度神经网络抑制噪声和混响", "结合麦克风阵列信号处理与端到端识别模型"),
                advantages=(
                    "噪声环境下识别准确率提升20%",
                    "可在低功耗终端上实时运行",
                    "支持方言和中英文混合识别",
                    "客服人力成本降低40%",
                ),
                applications=("智能客服", "会议记录", "智能家居", "车载语音交互"),
            ),
            "data": Topic(
                keywords=("预测", "联邦", "压缩", "边缘", "交通"),
                problems=(
                    "数据安全和隐私合规要求使跨机构数据难以直接共享和联合建模。",
                    "模型推理算力需求大，中小企业难以承担部署和运维成本。",
                ),
                approaches=("采用模型压缩与软硬件协同优化降低推理成本", "在各参与方本地训练模型并仅交换加密参数"),
                advantages=(
                    "模型体积压缩至原来的十分之一",
                    "在保护数据隐私的前提下精度损失小于1%",
                    "推理速度提升3倍以上",
                    "预测准确率超过92%",
                ),
                applications=("智慧交通", "金融风控", "智慧医疗", "工业物联网", "智能终端"),
            ),
            "robot": Topic(
                keywords=("机器人", "机械臂", "抓取", "灵巧手", "导航"),
                problems=(
                    "工业和服务场景任务多变，传统机器人依赖示教编程，难以适应新任务。",
                    "机器人在非结构化环境中的感知和操作能力不足。",
                ),
                approaches=("融合视觉、触觉等多模态信息进行联合建模", "通过仿真训练与真机迁移相结合"),
                advantages=(
                    "抓取成功率超过95%",
                    "新任务部署时间缩短至1天以内",
                    "可在国产边缘芯片上实时运行",
                    "支持多种末端执行器快速切换",
                ),
                applications=("智能制造", "仓储物流", "变电站巡检", "医疗康复", "商业服务"),
            ),
        },
        software=(
            ("工业视觉缺陷检测", "industrial visual defect inspection", "vision"),
            ("企业知识库智能问答", "enterprise knowledge-base question answering", "language"),
            ("医学影像辅助诊断", "medical imaging diagnosis support", "vision"),
            ("城市交通流量预测", "urban traffic flow forecasting", "data"),
            ("行业大模型私有化部署与微调", "private deployment and fine-tuning of industry large models", "language"),
            ("智能客服语音交互", "customer-service voice interaction", "speech"),
        ),
        know_how=(
            (
                "工业缺陷小样本数据增强与模型训练",
                "few-shot data augmentation and model training on industrial defects",
                METHOD,
                "vision",
            ),
            ("神经网络模型量化压缩与边缘部署", "quantisation and edge deployment of neural networks", METHOD, "data"),
            ("领域大模型指令数据构建", "instruction data construction for domain large models", METHOD, "language"),
            ("机器人手眼标定", "hand–eye calibration of robots", METHOD, "robot"),
        ),
        achievements=(
            ("具身智能灵巧手", "dexterous hands for embodied intelligence", DEVICE, "robot"),
            ("面向制造业的行业大模型", "an industry large model for manufacturing", METHOD, "language"),
            ("变电站智能巡检机器人", "intelligent substation inspection robots", DEVICE, "robot"),
            ("联邦学习隐私计算", "federated learning for privacy-preserving computation", METHOD, "data"),
            ("视觉语言导航", "vision-and-language navigation", METHOD, "robot"),
            ("边缘智能视觉检测终端", "edge AI visual inspection terminals", DEVICE, "vision"),
        ),
    ),
    "bio": FieldText(
        "biomedicine",
        "生物医药",
        (0, 137, 123),
        "helix",
        topics={
            "drug": Topic(
                keywords=("抗体", "药物", "化合物", "疫苗递送", "mRNA", "中药", "基因编辑", "偶联"),
                problems=(
                    "创新药研发周期长、投入大，早期候选分子筛选成功率低。",
                    "现有治疗药物疗效有限、耐药问题突出，临床需求未被满足。",
                ),
                approaches=("结合结构生物学与计算设计优化分子结构", "基于自主构建的筛选平台和动物模型进行系统验证"),
                advantages=(
                    "药效显著优于临床常用对照药物",
                    "已完成临床前药效和安全性评价",
                    "靶向性好，毒副作用低",
                    "化合物结构新颖，具有自主知识产权",
                ),
                applications=("创新药研发", "肿瘤治疗", "神经退行性疾病治疗", "疫苗研发", "药物研发外包服务"),
            ),
            "diagnostics": Topic(
                keywords=("检测", "试剂盒", "PCR", "核酸", "诊断", "测序", "微流控", "分选"),
                problems=(
                    "现有检测方法操作复杂、耗时长，难以满足基层医疗机构的快速检测需求。",
                    "部分疾病缺乏有效的早期诊断手段，患者确诊时多已进入中晚期。",
                ),
                approaches=("采用微流控与分子检测技术集成", "通过多重标志物联合检测和算法判读"),
                advantages=(
                    "检测时间缩短至30分钟以内",
                    "检测灵敏度和特异性均超过95%",
                    "成本仅为进口同类产品的三分之一",
                    "操作简便，无需专业实验室",
                ),
                applications=("医院检验科", "基层医疗机构", "体外诊断", "健康体检", "疾病预防控制"),
            ),
            "bioprocess": Topic(
                keywords=("纯化", "发酵", "细胞培养", "反应器", "合成"),
                problems=(
                    "生物制品生产工艺放大困难，批间一致性和收率不稳定。",
                    "关键生产设备和耗材依赖进口，价格高、供货周期长。",
                ),
                approaches=("通过工艺参数优化和质量源于设计方法提高一致性", "采用连续化生产与在线检测技术"),
                advantages=(
                    "产物纯度达到99%以上",
                    "工艺稳定，可放大至千升规模",
                    "收率提高30%以上",
                    "生产成本降低40%",
                ),
                applications=("生物制药生产", "疫苗生产", "原料药生产", "药物研发外包服务"),
            ),
            "device": Topic(
                keywords=("支架", "器械", "植入"),
                problems=("高端医疗器械依赖进口，价格高，基层医院难以普及。",),
                approaches=("通过材料改性与结构优化设计", "结合有限元仿真与动物实验验证"),
                advantages=(
                    "产品性能达到进口同类产品水平",
                    "已完成动物实验和型式检验",
                    "价格仅为进口产品的一半",
                    "生物相容性好",
                ),
                applications=("心血管介入治疗", "医院临床", "医疗器械制造", "康复医疗"),
            ),
        },
        software=(
            ("药物分子虚拟筛选", "virtual screening of drug molecules", "drug"),
            ("抗体序列智能设计", "AI-assisted antibody sequence design", "drug"),
            ("病理切片智能分析", "digital pathology slide analysis", "diagnostics"),
            ("基因测序数据分析", "genome sequencing data analysis", "diagnostics"),
            ("生物药生产批记录管理", "batch record management for biologics production", "bioprocess"),
        ),
        know_how=(
            (
                "重组蛋白高密度发酵与纯化",
                "high-density fermentation and purification of recombinant proteins",
                PROCESS,
                "bioprocess",
            ),
            ("mRNA脂质纳米颗粒制剂", "lipid nanoparticle formulation of mRNA", PROCESS, "drug"),
            ("中药配方颗粒质量控制", "quality control of TCM formula granules", METHOD, "bioprocess"),
            ("CHO细胞株高表达构建", "high-expression CHO cell line development", METHOD, "bioprocess"),
            (
                "手性药物中间体连续流合成",
                "continuous-flow synthesis of chiral drug intermediates",
                PROCESS,
                "bioprocess",
            ),
        ),
        achievements=(
            ("新型抗肿瘤抗体偶联药物", "novel antibody–drug conjugates against tumours", MATERIAL, "drug"),
            (
                "呼吸道病原体多重核酸检测试剂盒",
                "multiplex nucleic-acid test kits for respiratory pathogens",
                MATERIAL,
                "diagnostics",
            ),
            ("可降解镁合金血管支架", "biodegradable magnesium-alloy vascular stents", DEVICE, "device"),
            ("阿尔茨海默病早期血液检测", "early blood testing for Alzheimer's disease", METHOD, "diagnostics"),
            ("肿瘤类器官药物敏感性检测", "drug sensitivity testing on tumour organoids", METHOD, "diagnostics"),
            ("便携式床旁检测仪", "portable point-of-care analysers", DEVICE, "diagnostics"),
        ),
    ),
    "materials": FieldText(
        "advanced-materials",
        "先进材料",
        (84, 110, 122),
        "lattice",
        topics={
            "functional": Topic(
                keywords=("石墨烯", "薄膜", "玻璃", "气凝胶", "框架", "涂布", "导热"),
                problems=(
                    "下游器件轻量化、高集成化对材料的导热、耐温等性能提出了更高要求。",
                    "高端功能薄膜和电子玻璃长期依赖进口，价格高、供货不稳定。",
                ),
                approaches=("通过组分设计与微观结构调控", "利用界面工程改善填料与基体的相容性"),
                advantages=(
                    "热导率提升一倍以上",
                    "关键性能达到进口材料水平",
                    "可在300℃下长期使用",
                    "产品已通过下游客户验证",
                ),
                applications=("消费电子散热", "柔性显示", "光伏组件", "建筑节能", "5G通信设备"),
            ),
            "structural": Topic(
                keywords=("复合材料", "合金", "陶瓷", "钕铁硼", "永磁", "碳纤维", "烧结", "模具", "涂层"),
                problems=(
                    "现有材料在高温、高应力等苛刻环境下性能衰减快，使用寿命短。",
                    "高性能结构材料和稀土永磁材料成本高，关键原料资源受限。",
                ),
                approaches=("通过成分设计与热处理工艺协同调控组织", "采用近净成形工艺减少加工余量"),
                advantages=(
                    "比强度提高30%以上",
                    "重稀土用量减少50%以上",
                    "耐磨和耐腐蚀性能显著提升",
                    "使用寿命延长一倍",
                ),
                applications=("航空航天结构件", "新能源汽车", "轨道交通", "风力发电", "高端装备"),
            ),
            "polymer": Topic(
                keywords=("聚合物", "微球", "树脂", "高分子", "聚酰亚胺"),
                problems=(
                    "实验室制备工艺难以放大，批次稳定性差，无法满足量产需求。",
                    "高端色谱填料和功能高分子材料依赖进口。",
                ),
                approaches=("采用低成本原料和连续化制备工艺", "结合高通量配方筛选与中试验证"),
                advantages=(
                    "粒径分布变异系数小于3%",
                    "工艺可连续化生产，批次稳定",
                    "生产成本降低30%",
                    "不使用有毒溶剂，环境友好",
                ),
                applications=("生物制药分离纯化", "体外诊断", "电子化学品", "涂料和胶粘剂"),
            ),
        },
        software=(
            ("材料基因高通量计算", "high-throughput materials genome computation", "functional"),
            ("复合材料结构铺层设计", "composite laminate layup design", "structural"),
            ("金属材料热处理工艺仿真", "heat-treatment simulation for metals", "structural"),
            ("高分子材料配方智能优化", "AI-assisted polymer formulation", "polymer"),
        ),
        know_how=(
            (
                "单分散聚合物微球种子溶胀制备",
                "seeded-swelling preparation of monodisperse microspheres",
                PROCESS,
                "polymer",
            ),
            ("钕铁硼磁体晶界扩散", "grain-boundary diffusion of NdFeB magnets", PROCESS, "structural"),
            ("碳纤维预浸料热熔法制备", "hot-melt prepreg production for carbon fibre", PROCESS, "structural"),
            ("石墨烯导热膜连续化生产", "continuous production of graphene thermal films", PROCESS, "functional"),
            ("高熵合金激光熔覆", "laser cladding of high-entropy alloys", PROCESS, "structural"),
        ),
        achievements=(
            ("高导热石墨烯复合薄膜", "high-thermal-conductivity graphene composite films", MATERIAL, "functional"),
            ("耐高温聚酰亚胺薄膜", "high-temperature polyimide films", MATERIAL, "functional"),
            ("超薄柔性电子玻璃", "ultra-thin flexible electronic glass", MATERIAL, "functional"),
            ("碳化硅陶瓷基复合材料", "SiC ceramic matrix composites", MATERIAL, "structural"),
            ("二氧化硅气凝胶隔热毡", "silica aerogel insulation blankets", MATERIAL, "functional"),
            ("色谱分离用聚合物微球", "polymer microspheres for chromatography", MATERIAL, "polymer"),
        ),
    ),
    "equipment": FieldText(
        "high-end-equipment",
        "高端装备",
        (191, 87, 0),
        "gears",
        topics={
            "machining": Topic(
                keywords=("机床", "主轴", "减速器", "柔轮", "轴承", "叶片", "增材", "粉末", "强化"),
                problems=(
                    "高端装备核心部件依赖进口，价格高、交货周期长，售后响应慢。",
                    "传统加工设备精度保持性差，长期运行后误差累积明显。",
                ),
                approaches=("通过结构优化设计与精密加工工艺改进", "建立关键部件的热变形模型并实时补偿"),
                advantages=(
                    "加工精度提高40%",
                    "价格仅为进口产品的一半",
                    "关键部件实现国产化替代",
                    "使用寿命延长50%以上",
                ),
                applications=("航空航天制造", "汽车零部件制造", "模具加工", "精密仪器", "工业机器人"),
            ),
            "automation": Topic(
                keywords=("机器人", "焊", "机械手", "夹具", "装配", "无人机", "快换", "上下料"),
                problems=(
                    "人工焊接和装配劳动强度大、质量一致性差，熟练工人短缺。",
                    "制造企业多品种小批量生产的比例提高，现有产线柔性不足。",
                ),
                approaches=("融合力觉和视觉信息实现在线调整", "采用模块化设计提高设备的适应性"),
                advantages=(
                    "重复定位精度达到±0.02毫米",
                    "换型时间缩短60%",
                    "人工减少70%",
                    "焊接一次合格率超过98%",
                ),
                applications=("汽车车身焊装", "3C电子装配", "工程机械", "船舶制造", "电力巡检"),
            ),
            "monitoring": Topic(
                keywords=("故障", "诊断", "监测", "孪生", "补偿", "防护"),
                problems=(
                    "设备故障多为事后维修，非计划停机造成较大损失。",
                    "产线设备数据分散，管理人员难以及时掌握设备状态。",
                ),
                approaches=("对振动和电流信号进行特征提取后输入诊断模型", "结合数字孪生技术实现设备全生命周期管理"),
                advantages=(
                    "故障预警准确率超过95%",
                    "非计划停机减少50%",
                    "设备综合效率提升15%",
                    "支持主流数控系统和PLC",
                ),
                applications=("汽车零部件制造", "钢铁冶金", "电力装备", "石油化工", "轨道交通装备"),
            ),
        },
        software=(
            ("数控机床热误差补偿", "thermal error compensation for CNC machine tools", "machining"),
            ("产线数字孪生监控", "digital-twin production line monitoring", "monitoring"),
            ("旋转机械故障诊断", "fault diagnosis of rotating machinery", "monitoring"),
            ("工业机器人离线编程", "offline programming of industrial robots", "automation"),
            ("焊接工艺参数智能推荐", "welding parameter recommendation", "automation"),
        ),
        know_how=(
            ("谐波减速器柔轮精密加工", "precision machining of harmonic drive flexsplines", PROCESS, "machining"),
            ("航空发动机叶片激光冲击强化", "laser shock peening of aero-engine blades", PROCESS, "machining"),
            (
                "增材制造钛合金构件热处理",
                "heat treatment of additively manufactured titanium parts",
                PROCESS,
                "machining",
            ),
            ("精密轴承装配与预紧", "precision bearing assembly and preload", PROCESS, "machining"),
            ("大型结构件机器人焊接", "robotic welding of large structures", PROCESS, "automation"),
        ),
        achievements=(
            ("七自由度协作机器人", "seven-axis collaborative robots", DEVICE, "automation"),
            ("激光视觉焊缝跟踪系统", "laser-vision weld seam tracking systems", DEVICE, "automation"),
            ("高速精密电主轴", "high-speed precision motorised spindles", DEVICE, "machining"),
            ("多旋翼工业无人机", "multi-rotor industrial drones", DEVICE, "automation"),
            ("智能产线柔性装配", "flexible assembly for smart production lines", METHOD, "automation"),
            ("金属3D打印用球形粉末", "spherical metal powders for 3D printing", MATERIAL, "machining"),
        ),
    ),
    "energy": FieldText(
        "new-energy",
        "新能源",
        (214, 134, 0),
        "sun",
        topics={
            "battery": Topic(
                keywords=("电池", "电解质", "正极", "负极", "储能", "锂", "钠"),
                problems=(
                    "动力和储能电池在快充、低温条件下性能衰减快，安全风险难以提前识别。",
                    "锂资源价格波动大，关键电池材料亟需低成本的替代路线。",
                ),
                approaches=("通过材料体系创新与界面调控", "基于电化学机理模型与数据驱动方法相结合"),
                advantages=(
                    "电池循环寿命提高30%以上",
                    "状态估计误差小于2%",
                    "原料成本降低30%",
                    "通过针刺和热失控安全测试",
                ),
                applications=("动力电池", "电化学储能电站", "户用储能", "电动两轮车", "通信基站备用电源"),
            ),
            "solar": Topic(
                keywords=("光伏", "太阳能", "钙钛矿"),
                problems=(
                    "现有晶硅电池效率提升接近瓶颈，新一代电池的产业化工艺尚不成熟。",
                    "光伏电站组件积灰和故障导致发电量损失，人工运维成本高。",
                ),
                approaches=("通过界面钝化与大面积涂布工艺优化", "结合无人机巡检与智能诊断算法"),
                advantages=(
                    "光电转换效率超过25%",
                    "发电量提升5%以上",
                    "运维成本降低40%",
                    "与现有产线兼容，改造投入小",
                ),
                applications=("分布式光伏", "大型地面电站", "光伏建筑一体化", "农光互补"),
            ),
            "grid": Topic(
                keywords=("电网", "风电", "变桨", "能量管理"),
                problems=(
                    "新能源发电波动性大，并网消纳和调度难度高。",
                    "风电机组在复杂风况下载荷大，发电效率和寿命受影响。",
                ),
                approaches=("结合源网荷储协同优化控制策略", "基于气象数据和机组运行数据进行联合建模"),
                advantages=(
                    "新能源消纳率提高10个百分点",
                    "功率预测准确率超过92%",
                    "机组疲劳载荷降低15%",
                    "度电成本降低15%",
                ),
                applications=("风电场", "工商业微电网", "园区综合能源", "电网调度"),
            ),
            "hydrogen": Topic(
                keywords=("氢", "燃料电池", "双极板", "电解水"),
                problems=("绿氢制取成本高，电解槽的能耗和寿命仍需改进。", "燃料电池关键部件成本高，耐久性不足。"),
                approaches=("通过电极材料与流场结构的协同设计", "采用低成本金属基材和防腐涂层"),
                advantages=("制氢电耗降低8%", "电极寿命超过6万小时", "双极板成本降低40%", "电流密度提高50%"),
                applications=("绿氢制备", "氢燃料电池汽车", "化工用氢", "分布式发电"),
            ),
        },
        software=(
            ("锂电池健康状态在线评估", "online state-of-health assessment for lithium batteries", "battery"),
            ("光伏电站智能运维", "smart O&M of photovoltaic plants", "solar"),
            ("微电网能量管理", "microgrid energy management", "grid"),
            ("风电机组功率预测", "wind turbine power forecasting", "grid"),
            ("储能电站安全预警", "safety early warning for energy storage stations", "battery"),
        ),
        know_how=(
            ("高镍正极前驱体共沉淀", "co-precipitation of nickel-rich cathode precursors", PROCESS, "battery"),
            ("钙钛矿薄膜大面积涂布", "large-area coating of perovskite films", PROCESS, "solar"),
            ("燃料电池金属双极板冲压与涂层", "stamping and coating of fuel-cell bipolar plates", PROCESS, "hydrogen"),
            ("硬碳负极材料碳化", "carbonisation of hard-carbon anodes", PROCESS, "battery"),
            ("碱性电解槽电极制备", "electrode preparation for alkaline electrolysers", PROCESS, "hydrogen"),
        ),
        achievements=(
            ("钠离子电池硬碳负极材料", "hard-carbon anodes for sodium-ion batteries", MATERIAL, "battery"),
            ("硫化物全固态电池", "sulfide all-solid-state batteries", DEVICE, "battery"),
            ("钙钛矿叠层太阳能电池", "perovskite tandem solar cells", DEVICE, "solar"),
            ("兆瓦级碱性电解水制氢装置", "megawatt-class alkaline water electrolysers", DEVICE, "hydrogen"),
            ("全钒液流电池储能系统", "vanadium flow battery energy storage systems", DEVICE, "battery"),
            ("风电场集群功率协调控制", "coordinated power control of wind farm clusters", METHOD, "grid"),
        ),
    ),
    "nev": FieldText(
        "new-energy-vehicles",
        "新能源汽车",
        (21, 101, 192),
        "car",
        topics={
            "powertrain": Topic(
                keywords=("电机", "电驱", "驱动", "控制器", "扁线"),
                problems=(
                    "电驱系统的功率密度和效率仍有提升空间，高压平台对器件可靠性要求高。",
                    "电驱系统高速运行时噪声和振动明显，影响乘坐舒适性。",
                ),
                approaches=("采用碳化硅器件和高效热管理方案", "通过电磁设计与控制算法的协同优化"),
                advantages=("系统效率超过94%", "功率密度提高30%", "电机噪声降低5分贝", "已通过整车厂台架和实车验证"),
                applications=("乘用车", "商用车", "电动重卡", "城市公交"),
            ),
            "battery": Topic(
                keywords=("电池", "热管理", "续驶", "热泵", "压铸", "铝合金"),
                problems=("电动汽车冬季续航衰减明显，用户的里程焦虑突出。", "整车轻量化与安全性、成本之间难以兼顾。"),
                approaches=("结合实车数据与仿真模型进行联合标定", "通过系统级集成设计减少零部件数量"),
                advantages=("冬季续航提升20%以上", "电池温差控制在3℃以内", "整车减重10%以上", "续航预测误差小于5%"),
                applications=("乘用车", "网约车和出租车", "电动重卡", "换电车型"),
            ),
            "autonomy": Topic(
                keywords=("驾驶", "路径", "制动", "雷达", "车路"),
                problems=(
                    "自动驾驶在复杂路况下的感知和决策能力不足，测试验证成本高。",
                    "线控底盘等关键部件依赖国外供应商，功能安全要求高。",
                ),
                approaches=("基于车路协同信息扩展感知范围", "设置双控制器热备份以实现失效冗余"),
                advantages=(
                    "满足ISO 26262功能安全要求",
                    "仿真替代90%以上的道路测试里程",
                    "感知距离提升30%",
                    "制动响应时间缩短至150毫秒",
                ),
                applications=("乘用车", "港口和矿区无人运输", "城市公交", "智慧交通"),
            ),
            "charging": Topic(
                keywords=("充电",),
                problems=(
                    "充电时间长、充电设施分布不均，影响用户的使用体验。",
                    "大功率充电发热严重，充电枪和线缆笨重。",
                ),
                approaches=("采用液冷散热与大功率模块化设计", "通过线圈结构优化和偏移自适应控制"),
                advantages=("充电时间缩短至15分钟", "充电效率超过93%", "线缆重量减轻40%", "线圈偏移时仍能高效充电"),
                applications=("充换电站", "公共停车场", "物流车队", "居民小区"),
            ),
        },
        software=(
            ("电动汽车剩余续驶里程预测", "remaining-range prediction for electric vehicles", "battery"),
            ("整车热管理仿真", "vehicle thermal management simulation", "battery"),
            ("自动驾驶场景仿真测试", "scenario simulation testing for automated driving", "autonomy"),
            ("动力电池云端数据分析", "cloud analytics for traction batteries", "battery"),
            ("充电站群有序充电调度", "orderly charging scheduling for charging stations", "charging"),
        ),
        know_how=(
            (
                "一体化压铸免热处理铝合金熔炼",
                "melting of heat-treatment-free aluminium for giga-casting",
                PROCESS,
                "battery",
            ),
            ("扁线电机绕组成型", "hairpin winding forming for electric motors", PROCESS, "powertrain"),
            ("电池包结构胶粘接", "structural adhesive bonding of battery packs", PROCESS, "battery"),
            ("电驱系统噪声振动调校", "NVH tuning of electric drive systems", METHOD, "powertrain"),
        ),
        achievements=(
            ("800V碳化硅电驱动总成", "800 V SiC electric drive units", DEVICE, "powertrain"),
            ("线控制动系统", "brake-by-wire systems", DEVICE, "autonomy"),
            ("电动汽车无线充电系统", "wireless charging systems for electric vehicles", DEVICE, "charging"),
            ("热泵空调整车热管理", "heat-pump vehicle thermal management", METHOD, "battery"),
            ("车路协同智能驾驶", "vehicle–road cooperative automated driving", METHOD, "autonomy"),
            ("液冷超充充电模块", "liquid-cooled ultra-fast charging modules", DEVICE, "charging"),
        ),
        chips=(
            ("车规级电机控制MCU芯片", "an automotive motor-control MCU", "powertrain"),
            ("电池管理系统模拟前端芯片", "a battery-management analogue front-end chip", "battery"),
            ("车载毫米波雷达信号处理芯片", "an automotive radar signal-processing chip", "autonomy"),
        ),
    ),
    "quantum": FieldText(
        "quantum-information",
        "量子信息",
        (40, 53, 147),
        "orbits",
        topics={
            "communication": Topic(
                keywords=("密钥", "随机数", "单光子"),
                problems=(
                    "传统加密方式面临量子计算带来的破解风险，关键信息基础设施需要更高安全等级的通信手段。",
                    "量子通信设备体积大、成本高，难以在行业专网中规模部署。",
                ),
                approaches=("基于量子物理原理进行工程化集成设计", "采用模块化、小型化的系统架构"),
                advantages=(
                    "安全性基于物理原理，可抵御量子计算攻击",
                    "成码率提高一个数量级",
                    "整机体积缩小60%",
                    "已在示范网络中连续稳定运行一年以上",
                ),
                applications=("政务专网", "金融数据传输", "电力调度通信", "数据中心安全"),
            ),
            "sensing": Topic(
                keywords=("磁", "重力", "色心", "测量"),
                problems=("高精度磁场、重力等物理量测量设备长期依赖进口，体积大、价格高。",),
                approaches=("通过低噪声电子学设计与量子态精密操控", "采用小型化的光学和真空系统"),
                advantages=(
                    "测量灵敏度比传统设备高一个数量级",
                    "可在室温下工作",
                    "整机体积缩小60%",
                    "核心器件自主研制",
                ),
                applications=("地质勘探", "生物磁成像", "精密测量", "资源勘查"),
            ),
            "computing": Topic(
                keywords=("量子比特", "超导", "光量子", "计算"),
                problems=(
                    "量子器件制备工艺复杂，良率和一致性不足，难以规模化。",
                    "量子计算与行业应用之间缺少成熟的软件工具和接口。",
                ),
                approaches=("通过器件工艺优化和低温电子学设计", "结合量子线路优化与经典计算协同"),
                advantages=("读出保真度超过99%", "线路深度减少30%", "器件良率提高一倍", "支持主流量子编程框架"),
                applications=("量子计算研发", "新药和材料研发", "金融计算", "科研机构"),
            ),
        },
        software=(
            ("量子线路编译优化", "quantum circuit compilation and optimisation", "computing"),
            ("量子密钥管理", "quantum key management", "communication"),
            ("量子计算云任务调度", "task scheduling for quantum cloud computing", "computing"),
            ("量子化学模拟", "quantum chemistry simulation", "computing"),
        ),
        know_how=(
            (
                "超导量子芯片约瑟夫森结制备",
                "Josephson junction fabrication for superconducting qubits",
                PROCESS,
                "computing",
            ),
            ("单光子探测器制冷封装", "cryogenic packaging of single-photon detectors", PROCESS, "communication"),
            ("金刚石氮空位色心样品制备", "preparation of diamond nitrogen-vacancy samples", PROCESS, "sensing"),
        ),
        achievements=(
            ("量子密钥分发终端", "quantum key distribution terminals", DEVICE, "communication"),
            ("金刚石氮空位色心量子磁力计", "diamond nitrogen-vacancy quantum magnetometers", DEVICE, "sensing"),
            ("量子随机数发生器", "quantum random number generators", DEVICE, "communication"),
            ("光量子芯片耦合封装", "coupling and packaging of photonic quantum chips", METHOD, "computing"),
            ("冷原子重力仪", "cold-atom gravimeters", DEVICE, "sensing"),
        ),
    ),
    "environment": FieldText(
        "energy-saving",
        "节能环保",
        (46, 125, 50),
        "leaves",
        topics={
            "water": Topic(
                keywords=("废水", "污水", "污泥", "曝气"),
                problems=(
                    "工业废水成分复杂、盐分高，传统工艺处理成本高且易产生二次污染。",
                    "污水处理厂加药和曝气依赖人工经验，能耗和药耗偏高。",
                ),
                approaches=("采用物化与生化相结合的组合工艺", "基于在线监测数据进行智能优化控制"),
                advantages=(
                    "出水稳定达到一级A排放标准",
                    "运行成本降低30%",
                    "药剂消耗降低20%",
                    "占地面积小，便于现有设施改造",
                ),
                applications=("化工园区", "市政污水处理", "印染和制药废水处理", "工业园区"),
            ),
            "air": Topic(
                keywords=("脱硝", "挥发性", "除尘", "催化"),
                problems=(
                    "挥发性有机物和氮氧化物排放标准日趋严格，企业治理设施的运行费用高。",
                    "现有脱硝催化剂低温活性差，难以适应非电行业的低温烟气。",
                ),
                approaches=("通过催化材料创新与工艺流程集成", "采用吸附浓缩与催化燃烧相结合的工艺"),
                advantages=(
                    "污染物去除率达到95%以上",
                    "在180℃低温下脱硝效率超过90%",
                    "运行能耗降低30%",
                    "排放稳定优于国家标准",
                ),
                applications=("钢铁冶金", "工业涂装", "水泥和玻璃", "石油化工"),
            ),
            "resource": Topic(
                keywords=("回收", "余热", "降解", "垃圾", "节能", "飞灰"),
                problems=(
                    "固体废物产生量大，资源化利用途径有限，填埋压力大。",
                    "高耗能行业余热利用率低，大型公共建筑空调能耗占比高。",
                ),
                approaches=("将废弃物转化为可利用的资源产品", "根据负荷预测动态调整系统运行参数"),
                advantages=(
                    "有价金属回收率超过98%",
                    "系统能耗降低20%以上",
                    "实现资源循环利用，无二次污染",
                    "投资回收期少于3年",
                ),
                applications=("锂电池回收", "垃圾焚烧发电", "大型公共建筑", "钢铁冶金", "包装材料"),
            ),
        },
        software=(
            ("建筑空调系统节能控制", "energy-saving control of building HVAC", "resource"),
            ("工业园区碳排放核算", "carbon accounting for industrial parks", "resource"),
            ("污水处理厂智能加药", "smart chemical dosing for wastewater plants", "water"),
            ("大气污染源解析", "air pollution source apportionment", "air"),
        ),
        know_how=(
            ("低温SCR脱硝催化剂制备", "preparation of low-temperature SCR denitration catalysts", PROCESS, "air"),
            ("高盐废水分盐结晶", "salt separation and crystallisation of high-salinity wastewater", PROCESS, "water"),
            ("废旧锂电池湿法回收", "hydrometallurgical recycling of spent lithium batteries", PROCESS, "resource"),
            ("挥发性有机物吸附浓缩催化燃烧", "adsorption and catalytic combustion of VOCs", PROCESS, "air"),
            ("市政污泥热解炭化", "pyrolysis and carbonisation of municipal sludge", PROCESS, "water"),
        ),
        achievements=(
            ("可降解聚乳酸复合材料", "biodegradable PLA composites", MATERIAL, "resource"),
            ("烧结烟气余热梯级回收", "cascade waste-heat recovery from sintering flue gas", METHOD, "resource"),
            ("膜生物反应器污水深度处理", "advanced wastewater treatment with membrane bioreactors", METHOD, "water"),
            ("垃圾焚烧飞灰资源化利用", "resource recovery from incineration fly ash", METHOD, "resource"),
            ("工业窑炉低氮燃烧", "low-NOx combustion for industrial kilns", METHOD, "air"),
        ),
    ),
    "digital": FieldText(
        "digital-economy",
        "数字经济",
        (0, 131, 143),
        "chart",
        topics={
            "enterprise": Topic(
                keywords=(),
                problems=(
                    "中小企业数字化基础薄弱，缺少低成本、易上手的数字化工具。",
                    "企业数据分散在不同部门和系统中，标准不统一，难以共享和利用。",
                ),
                approaches=("基于云原生架构和低代码技术", "通过构建统一的数据标准和指标体系"),
                advantages=(
                    "部署周期缩短至两周",
                    "实施成本仅为传统方案的三分之一",
                    "支持与主流业务系统对接",
                    "已服务500余家企业",
                ),
                applications=("中小制造企业", "产业园区", "跨境电商", "商贸流通"),
            ),
            "finance": Topic(
                keywords=(),
                problems=("传统风控依赖抵押和财务报表，科技型中小企业融资难。", "电子数据易被篡改，取证和存证成本高。"),
                approaches=("利用大数据分析与机器学习模型", "结合区块链与电子签名技术"),
                advantages=(
                    "风控模型准确率超过90%",
                    "审批时间从一周缩短至一天",
                    "存证数据不可篡改，可供司法核验",
                    "支持多家金融机构接入",
                ),
                applications=("供应链金融", "普惠金融", "电子合同", "知识产权保护"),
            ),
            "public": Topic(
                keywords=(),
                problems=(
                    "公共数据开放和流通中的确权、定价和隐私保护问题尚未得到有效解决。",
                    "城市运行数据分散在多个部门，跨部门协同处置效率低。",
                ),
                approaches=("结合区块链与隐私计算技术", "通过多部门数据汇聚与统一指挥调度"),
                advantages=(
                    "数据可用不可见，满足合规要求",
                    "事件处置时间缩短50%",
                    "已接入50余个部门的数据",
                    "支持省市县三级部署",
                ),
                applications=("政务数据开放", "智慧城市", "产业园区", "文旅服务"),
            ),
        },
        software=(
            ("中小企业数字化转型诊断", "digital transformation diagnosis for SMEs", "enterprise"),
            ("供应链金融风险控制", "supply-chain finance risk control", "finance"),
            ("工业互联网标识解析", "industrial internet identifier resolution", "enterprise"),
            ("数据要素流通与隐私计算", "data circulation with privacy-preserving computation", "public"),
            ("跨境电商智能选品", "AI product selection for cross-border e-commerce", "enterprise"),
            ("城市运行一网统管", "integrated city operations management", "public"),
        ),
        know_how=(
            ("企业数据资产盘点与治理", "data asset inventory and governance", METHOD, "enterprise"),
            ("区块链电子存证", "blockchain-based electronic evidence", METHOD, "finance"),
            ("多源异构数据融合", "fusion of heterogeneous data sources", METHOD, "enterprise"),
        ),
        achievements=(
            ("公共数据授权运营", "authorised operation of public data", METHOD, "public"),
            ("数字孪生城市", "digital-twin cities", METHOD, "public"),
            ("块状经济产业大脑", "industry brains for regional industrial clusters", METHOD, "enterprise"),
            ("科技型中小企业信用评价", "credit rating of technology-based SMEs", METHOD, "finance"),
        ),
    ),
    "electronics": FieldText(
        "electronic-information",
        "电子信息",
        (173, 20, 87),
        "signal",
        topics={
            "rf": Topic(
                keywords=(),
                problems=(
                    "高频射频器件对材料和工艺要求高，国内产品在性能和一致性上仍有差距。",
                    "复杂电磁环境下的信号检测和抗干扰能力不足。",
                ),
                approaches=("结合算法与硬件协同设计", "采用异质集成和先进封装技术"),
                advantages=(
                    "探测距离提升30%",
                    "插入损耗降低0.5分贝",
                    "与CMOS工艺兼容，成本低",
                    "已通过行业客户测试验证",
                ),
                applications=("通信设备", "智能网联汽车", "卫星互联网", "安防监控"),
            ),
            "photonics": Topic(
                keywords=(),
                problems=(
                    "新型显示和光通信器件的量产良率低，成本居高不下。",
                    "数据中心流量快速增长，现有光模块的速率和功耗难以满足需求。",
                ),
                approaches=("通过器件结构创新与工艺优化", "采用硅基光电子集成技术"),
                advantages=(
                    "单模块传输速率达到800Gb/s",
                    "功耗降低40%",
                    "像素密度超过3000PPI",
                    "巨量转移良率超过99.99%",
                ),
                applications=("数据中心", "AR/VR终端", "智能手机", "安检"),
            ),
            "sensors": Topic(
                keywords=(),
                problems=(
                    "可穿戴和物联网终端对传感器的柔性、功耗和体积提出了更高要求。",
                    "终端设备电池容量有限，通信功耗制约续航。",
                ),
                approaches=("采用柔性材料与微纳加工工艺", "通过低功耗电路与协议栈协同设计"),
                advantages=("灵敏度提高5倍", "功耗降低40%", "体积缩小一半", "可弯折10万次以上"),
                applications=("可穿戴设备", "智能家居", "医疗健康监测", "工业物联网"),
            ),
        },
        software=(
            ("毫米波雷达信号处理", "millimetre-wave radar signal processing", "rf"),
            ("射频电路电磁仿真", "RF circuit electromagnetic simulation", "rf"),
            ("5G小基站网络优化", "5G small-cell network optimisation", "rf"),
            ("物联网终端低功耗通信", "low-power communication for IoT devices", "sensors"),
        ),
        know_how=(
            ("低温共烧陶瓷滤波器制备", "LTCC filter fabrication", PROCESS, "rf"),
            ("柔性电路板激光微加工", "laser micromachining of flexible circuit boards", PROCESS, "sensors"),
            ("Micro-LED巨量转移", "mass transfer for Micro-LED displays", PROCESS, "photonics"),
        ),
        achievements=(
            ("太赫兹成像安检仪", "terahertz imaging security scanners", DEVICE, "photonics"),
            ("Micro-LED微显示模组", "Micro-LED microdisplay modules", DEVICE, "photonics"),
            ("硅光高速光模块", "silicon-photonic high-speed optical modules", DEVICE, "photonics"),
            ("柔性压力传感器阵列", "flexible pressure sensor arrays", DEVICE, "sensors"),
            ("低轨卫星通信相控阵天线", "phased-array antennas for LEO satellite communication", DEVICE, "rf"),
        ),
        chips=(
            ("毫米波雷达收发芯片", "a millimetre-wave radar transceiver chip", "rf"),
            ("宽带低噪声放大器芯片", "a wideband low-noise amplifier chip", "rf"),
            ("MEMS麦克风读出芯片", "a MEMS microphone readout chip", "sensors"),
        ),
    ),
    "aerospace": FieldText(
        "aerospace",
        "航空航天",
        (55, 71, 79),
        "satellite",
        topics={
            "aircraft": Topic(
                keywords=(),
                problems=(
                    "低空经济快速发展，但飞行器的安全性、续航和空域管理仍是瓶颈。",
                    "飞行器气动设计依赖大量风洞试验，研制周期长。",
                ),
                approaches=("结合多学科仿真与地面试验验证", "通过分布式电推进与轻量化结构设计"),
                advantages=("续航时间提升30%", "研制周期缩短40%", "配送时效提高一倍", "已完成地面和飞行试验验证"),
                applications=("低空物流", "城市空中交通", "应急救援", "通用航空"),
            ),
            "engine": Topic(
                keywords=(),
                problems=(
                    "航空航天关键构件加工难度大、成本高，国产化配套能力不足。",
                    "航空发动机部件在高温高压下工作，损伤检测和寿命预测困难。",
                ),
                approaches=("通过结构轻量化设计与先进制造工艺", "结合无损检测与寿命预测模型"),
                advantages=("结构减重20%以上", "缺陷检测精度达到0.1毫米", "构件疲劳寿命提高一倍", "成本降低一半"),
                applications=("航空发动机维修", "商用飞机制造", "商业航天", "燃气轮机"),
            ),
            "space": Topic(
                keywords=(),
                problems=("卫星研制周期长、成本高，难以满足星座批量化部署的需求。",),
                approaches=("采用模块化、标准化的系统设计", "基于商用器件的可靠性筛选与冗余设计"),
                advantages=("研制周期缩短40%", "姿态控制精度优于0.01度", "整星成本降低一半", "支持批量化生产"),
                applications=("商业航天", "卫星遥感", "卫星互联网", "空间科学"),
            ),
        },
        software=(
            ("飞行器气动外形优化", "aerodynamic shape optimisation for aircraft", "aircraft"),
            ("卫星星座任务规划", "mission planning for satellite constellations", "space"),
            ("航空发动机健康管理", "aero-engine health management", "engine"),
            ("低空飞行器航路规划", "route planning for low-altitude aircraft", "aircraft"),
        ),
        know_how=(
            ("钛合金构件热等静压", "hot isostatic pressing of titanium parts", PROCESS, "engine"),
            ("复合材料自动铺丝成型", "automated fibre placement of composites", PROCESS, "engine"),
            ("热障涂层等离子喷涂", "plasma spraying of thermal barrier coatings", PROCESS, "engine"),
        ),
        achievements=(
            ("电动垂直起降飞行器", "electric vertical take-off and landing aircraft", DEVICE, "aircraft"),
            ("微小卫星姿态控制系统", "attitude control systems for microsatellites", DEVICE, "space"),
            ("航空发动机叶片无损检测", "non-destructive testing of aero-engine blades", METHOD, "engine"),
            ("低空无人机物流配送", "low-altitude drone logistics", METHOD, "aircraft"),
            ("耐高温陶瓷基复合材料构件", "high-temperature ceramic matrix composite parts", MATERIAL, "engine"),
        ),
    ),
    "agriculture": FieldText(
        "modern-agriculture",
        "现代农业",
        (104, 159, 56),
        "grain",
        topics={
            "crops": Topic(
                keywords=(),
                problems=("病虫害识别依赖经验，防治不及时造成较大损失。", "化肥农药过量使用导致土壤退化和面源污染。"),
                approaches=("通过良种良法配套与绿色生产技术集成", "结合遥感监测与智能决策模型"),
                advantages=(
                    "亩产提高10%以上",
                    "化肥农药用量减少30%",
                    "每亩节本增效800元以上",
                    "已在长三角多地示范推广",
                ),
                applications=("粮食生产", "家庭农场", "农业合作社", "茶园", "果园"),
            ),
            "facility": Topic(
                keywords=(),
                problems=(
                    "设施农业环境调控依赖人工经验，能耗高、产量不稳定。",
                    "农业生产劳动力老龄化，丘陵山区的机械化水平低。",
                ),
                approaches=("结合物联网监测与智能控制", "通过轻简化机械设计与农艺配套"),
                advantages=("产量提高20%以上", "能耗降低30%", "人工减少一半", "操作简便，农户易于掌握"),
                applications=("设施农业", "水产养殖", "丘陵山区种植", "都市农业"),
            ),
            "processing": Topic(
                keywords=(),
                problems=("农产品采后损耗率高，附加值低。", "传统加工方式卫生条件差，产品品质不稳定。"),
                approaches=("采用生物技术与传统工艺相结合", "通过清洁化、连续化的加工装备改造"),
                advantages=("采后损耗降低一半", "产品附加值提高30%以上", "实现全程质量可追溯", "符合食品安全国家标准"),
                applications=("农产品加工", "茶叶加工", "冷链物流", "畜牧养殖", "食品制造"),
            ),
        },
        software=(
            ("作物病虫害智能识别", "crop pest and disease recognition", "crops"),
            ("智慧温室环境调控", "smart greenhouse climate control", "facility"),
            ("农产品质量安全追溯", "traceability of agricultural products", "processing"),
            ("水产养殖水质监测", "aquaculture water quality monitoring", "facility"),
        ),
        know_how=(
            ("茶叶清洁化加工", "clean tea processing", PROCESS, "processing"),
            ("果蔬采后保鲜", "post-harvest preservation of fruit and vegetables", METHOD, "processing"),
            ("稻渔综合种养", "integrated rice–fish farming", METHOD, "crops"),
            ("食用菌工厂化栽培", "factory cultivation of edible fungi", PROCESS, "facility"),
            ("益生菌发酵饲料生产", "probiotic fermented feed production", PROCESS, "processing"),
        ),
        achievements=(
            ("丘陵山区小型农机", "small farm machinery for hilly areas", DEVICE, "facility"),
            ("植物工厂LED光配方", "LED light recipes for plant factories", METHOD, "facility"),
            ("秸秆生物有机肥", "bio-organic fertiliser from straw", MATERIAL, "crops"),
            ("农业无人机精准施药", "precision spraying with agricultural drones", METHOD, "crops"),
            ("功能性食品配料", "functional food ingredients", MATERIAL, "processing"),
        ),
        crops=(
            ("水稻", "粳"),
            ("小麦", "麦"),
            ("油菜", "油"),
            ("大豆", "豆"),
            ("茶树", "茶"),
            ("桃", "桃"),
            ("葡萄", "葡"),
            ("西瓜", "瓜"),
        ),
        crop_topic="crops",
    ),
    "marine": FieldText(
        "marine-engineering",
        "海洋工程",
        (2, 119, 189),
        "sea",
        topics={
            "offshore": Topic(
                keywords=(),
                problems=("深远海装备技术门槛高，关键设备依赖进口。", "海上作业环境恶劣，人工巡检风险高、效率低。"),
                approaches=("结合水动力仿真与水池试验", "采用智能感知与自主控制技术"),
                advantages=("下潜深度达到3000米", "运维成本降低30%", "已完成海上试验验证", "可适应6级海况作业"),
                applications=("海上风电", "海洋油气", "海洋科考", "海洋牧场"),
            ),
            "shipping": Topic(
                keywords=(),
                problems=("航运业减排压力加大，船舶能效亟需提升。", "港口作业计划依赖人工编排，设备利用率不高。"),
                approaches=("基于航行数据建立能耗模型并优化航速航线", "通过智能算法统筹泊位、岸桥和集卡资源"),
                advantages=("燃油消耗降低10%以上", "满足船级社规范要求", "码头作业效率提升20%", "碳排放降低20%"),
                applications=("远洋航运", "内河航运", "港口码头", "船舶制造"),
            ),
            "materials": Topic(
                keywords=(),
                problems=(
                    "海洋环境高盐、高湿、强腐蚀，装备使用寿命短、维护成本高。",
                    "海水淡化膜组件依赖进口，产水成本高。",
                ),
                approaches=("通过材料防护与涂层体系设计", "采用界面聚合工艺优化膜结构"),
                advantages=("防腐寿命超过15年", "不含有机锡等有毒成分", "脱盐率超过99.7%", "维护周期延长一倍"),
                applications=("海洋工程装备", "船舶制造", "海水淡化", "港口码头"),
            ),
        },
        software=(
            ("海上风电场运维调度", "O&M scheduling for offshore wind farms", "offshore"),
            ("船舶能效管理", "ship energy-efficiency management", "shipping"),
            ("海洋环境数值预报", "numerical ocean forecasting", "offshore"),
            ("港口集装箱智能调度", "smart container terminal scheduling", "shipping"),
        ),
        know_how=(
            ("海洋工程钢防腐涂装", "anti-corrosion coating of marine steel", PROCESS, "materials"),
            ("深海耐压舱体制造", "manufacture of deep-sea pressure hulls", PROCESS, "offshore"),
            ("海水淡化反渗透膜组件制备", "reverse-osmosis module production for desalination", PROCESS, "materials"),
        ),
        achievements=(
            ("自主水下航行器", "autonomous underwater vehicles", DEVICE, "offshore"),
            ("海上风电漂浮式基础", "floating foundations for offshore wind", METHOD, "offshore"),
            ("船舶LNG双燃料动力系统", "LNG dual-fuel ship propulsion systems", DEVICE, "shipping"),
            ("海洋防污涂料", "marine antifouling coatings", MATERIAL, "materials"),
            ("海底管道检测机器人", "subsea pipeline inspection robots", DEVICE, "offshore"),
        ),
    ),
}

# The registry's demo fields (ip_registry.demo_text.FIELDS) are the first nine of these, under the same keys.


# --- Titles, by kind: (Chinese, English, TRL range) ---

SOFTWARE_TITLES = (
    ("{s}系统V{v}.0", "System for {s} V{v}.0"),
    ("{s}软件V{v}.0", "Software for {s} V{v}.0"),
    ("{s}平台V{v}.0", "Platform for {s} V{v}.0"),
)
KNOW_HOW_TITLES = {
    PROCESS: (
        ("{s}工艺技术", "Process technology for {s}", (6, 8)),
        ("{s}成套工艺包", "Turnkey process package for {s}", (7, 8)),
        ("{s}关键工艺技术秘密", "Key process know-how for {s}", (5, 7)),
    ),
    METHOD: (
        ("{s}技术诀窍", "Know-how for {s}", (5, 7)),
        ("{s}整体技术方案", "Complete technical solution for {s}", (6, 8)),
    ),
}
ACHIEVEMENT_TITLES = {
    MATERIAL: (
        ("{s}中试成果", "Pilot-scale results: {s}", (6, 7)),
        ("{s}小试成果", "Bench-scale results: {s}", (4, 5)),
        ("{s}规模化制备技术", "Scale-up production of {s}", (7, 8)),
    ),
    DEVICE: (
        ("{s}工程样机", "Engineering prototype: {s}", (6, 7)),
        ("{s}原理样机", "Proof-of-concept prototype: {s}", (4, 5)),
        ("{s}关键技术及应用", "{s}: key technologies and applications", (7, 9)),
    ),
    METHOD: (
        ("{s}关键技术及应用", "{s}: key technologies and applications", (6, 8)),
        ("{s}示范应用成果", "Demonstration results: {s}", (7, 9)),
        ("{s}研究成果", "Research results: {s}", (3, 5)),
    ),
}
IC_LAYOUT_TITLE = ("{s}布图设计", "Layout design of {s}", (6, 8))
PLANT_VARIETY_TITLE = "{crop}新品种“{name}”"
PORTFOLIO_TITLES = ("{a}与{b}专利组合", "{a}、{b}等{n}件专利组合")


# --- Summaries ---

SOFTWARE_FEATURES = (
    "集成了数据采集、分析建模和可视化展示功能",
    "采用微服务架构，支持云端和本地部署",
    "内置行业知识库和算法模型库，开箱即用",
    "提供标准接口，可与企业现有信息系统对接",
)
KIND_CLOSINGS = {
    "software": "软件已完成计算机软件著作权登记，支持私有化部署，可根据企业需求二次开发。",
    "know_how": "该技术以技术秘密方式保护，签约后提供工艺文件、关键参数和现场培训。",
    "ic_layout": "布图设计已完成流片验证，并取得集成电路布图设计登记证书。",
    "plant_variety": "该品种已通过省级农作物品种审定并获植物新品种权，适宜在长江中下游地区推广种植。",
    "invention": "专利权属清晰、维持有效，可提供技术资料和实施指导。",
    "utility_model": "专利权属清晰、维持有效，结构成熟，可直接用于产品改进。",
    "portfolio": "组合可整体转让，也可按单件专利分别许可。",
}
# Achievements describe how far they got, by readiness level: (highest TRL, sentence).
ACHIEVEMENT_CLOSINGS = (
    (4, "目前已完成实验室验证，适合与企业联合开展中试。"),
    (6, "已完成中试验证，具备小批量试产条件。"),
    (9, "已在合作企业完成示范应用，可直接进行产业化推广。"),
)
VARIETY_TRAITS = (
    "区域试验比对照品种增产8%以上",
    "抗病性和抗逆性强",
    "品质优良，商品性好",
    "适应性广，适宜机械化种植和管理",
)


# --- Deal terms ---

# Indicative prices in units of 10,000 yuan (万元), by deal mode; patent portfolios and equity ask more.
PRICES_WAN = {
    "assignment": (30, 50, 80, 100, 120, 150, 200, 300, 500),
    "exclusive_licence": (50, 80, 100, 150, 200, 300),
    "sole_licence": (30, 50, 80, 100, 150),
    "ordinary_licence": (5, 8, 10, 15, 20, 30, 50),
    "pay_later": (10, 20, 30, 50, 80, 100),
    "equity": (200, 300, 500, 800, 1000, 1500),
    "joint_development": (50, 80, 100, 200, 300, 500),
}
TERM_NOTES = {
    "assignment": ("", "", "含技术资料交付和三个月技术指导", "可分期付款"),
    "exclusive_licence": ("许可期限五年", "许可期限三年，期满可续签", ""),
    "sole_licence": ("许可期限五年", "限长三角地区实施", ""),
    "ordinary_licence": ("每家企业许可期限三年", "按年支付许可费", "", "可提供技术培训"),
    "pay_later": (
        "试用期12个月，期满后决定转化或无责退出",
        "试用6个月，产生销售收入后按年净销售额3%提成",
        "先免费试用一年，转化后分三年支付",
    ),
    "equity": ("以成果作价入股，占股比例面议", "作价入股，团队可参与产业化"),
    "joint_development": ("联合研发经费，成果由双方共享", "可共建联合实验室", "按项目里程碑分期支付"),
}


# --- Moderation ---

REJECTION_REASONS = (
    "请补充成果的应用场景和技术成熟度说明后重新提交。",
    "摘要中包含未公开的工艺参数，请删除涉密内容后重新提交。",
    "联系人信息不完整，请填写技术转移中心的联系人。",
)
SUSPENSION_REASONS = (
    "成果介绍中的性能数据缺少第三方检测报告，请补充后申请恢复展示。",
    "收到权属异议，核实期间暂停展示。",
)
WITHDRAWAL_NOTE = "团队调整转化计划，暂不对外推广。"
CLOSING_NOTE = "已与企业签订技术合同，完成转化。"

IMAGE_CAPTIONS = ("成果示意图", "技术路线示意图", "应用场景示意图")


# --- Contacts: a few technology-transfer officers per organisation ---

CONTACT_SURNAMES = (
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("吴", "wu"),
    ("周", "zhou"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("罗", "luo"),
    ("梁", "liang"),
    ("宋", "song"),
    ("唐", "tang"),
    ("韩", "han"),
    ("冯", "feng"),
    ("邓", "deng"),
    ("曹", "cao"),
    ("彭", "peng"),
    ("曾", "zeng"),
    ("沈", "shen"),
    ("陆", "lu"),
)
