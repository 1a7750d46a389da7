"""Words that name the same thing: abbreviations, the other language, a shorter or longer form.

The platform staff keep the groups (``SynonymGroup``, on the admin's
"synonyms" page); ``SEED`` is what a new site starts with, gathered field by
field and loaded by a migration. Both backends apply them at query time
(``understanding.py``), so a change takes effect without a reindex: each
process reads the groups again when one is saved or deleted (a signal), and
at the latest ``REFRESH_SECONDS`` after another process changed them.
Latin forms are compared lower-cased, as the words fields hold them.
"""

from __future__ import annotations

import time

from django.db import DatabaseError

REFRESH_SECONDS = 30

# Gathered field by field, for the technology fields the migrations seed: field slug -> groups of words that mean
# the same. Latin forms lower-cased.
SEED: dict[str, tuple[tuple[str, ...], ...]] = {
    "integrated-circuits": (
        ("氮化镓", "gan"),
        ("碳化硅", "sic"),
        ("集成电路", "ic", "芯片"),
        ("模数转换", "adc", "模数转换器"),
        ("数模转换", "dac", "数模转换器"),
        ("现场可编程门阵列", "fpga"),
        ("专用集成电路", "asic"),
        ("片上系统", "soc", "系统级芯片"),
        ("微机电系统", "mems"),
        ("绝缘栅双极晶体管", "igbt"),
        ("金属氧化物半导体场效应晶体管", "mosfet"),
        ("互补金属氧化物半导体", "cmos"),
        ("电子设计自动化", "eda"),
        ("光刻胶", "光致抗蚀剂"),
        ("化学机械抛光", "cmp"),
        ("化学气相沉积", "cvd"),
        ("物理气相沉积", "pvd"),
        ("原子层沉积", "ald"),
        ("硅通孔", "tsv"),
        ("晶圆级封装", "wlp"),
        ("系统级封装", "sip"),
        ("先进封装", "芯粒", "chiplet"),
        ("第三代半导体", "宽禁带半导体"),
        ("功率半导体", "功率器件"),
        ("存储器", "存储芯片"),
        ("动态随机存储器", "dram"),
        ("闪存", "nand", "flash"),
        ("射频前端", "射频芯片"),
        ("图形处理器", "gpu"),
        ("中央处理器", "cpu"),
        ("神经网络处理器", "npu", "ai芯片"),
        ("探针卡", "探针"),
    ),
    "electronic-information": (
        ("印制电路板", "pcb", "电路板"),
        ("发光二极管", "led"),
        ("有机发光二极管", "oled"),
        ("微型发光二极管", "micro led", "microled"),
        ("液晶显示", "lcd"),
        ("射频识别", "rfid"),
        ("近场通信", "nfc"),
        ("第五代移动通信", "5g"),
        ("毫米波", "mmwave"),
        ("光模块", "光收发模块"),
        ("光纤通信", "光通信"),
        ("全球导航卫星系统", "gnss", "卫星导航"),
        ("北斗", "北斗导航", "bds"),
        ("传感器", "传感"),
        ("图像传感器", "cis"),
        ("电磁兼容", "emc"),
        ("嵌入式系统", "嵌入式"),
        ("可穿戴设备", "可穿戴"),
        ("柔性电子", "柔性电路"),
        ("超宽带", "uwb"),
        ("蓝牙", "bluetooth"),
        ("无线局域网", "wifi", "wlan"),
    ),
    "artificial-intelligence": (
        ("人工智能", "ai"),
        ("机器视觉", "计算机视觉", "视觉检测"),
        ("机器学习", "machine learning"),
        ("深度学习", "深度神经网络"),
        ("神经网络", "神经元网络"),
        ("卷积神经网络", "cnn"),
        ("循环神经网络", "rnn"),
        ("强化学习", "rl"),
        ("联邦学习", "联邦机器学习"),
        ("迁移学习", "领域自适应"),
        ("知识图谱", "knowledge graph"),
        ("大语言模型", "大模型", "llm"),
        ("自然语言处理", "nlp"),
        ("语音识别", "asr"),
        ("语音合成", "tts"),
        ("光学字符识别", "ocr", "文字识别"),
        ("人脸识别", "面部识别"),
        ("目标检测", "物体检测"),
        ("缺陷检测", "瑕疵检测", "表面缺陷检测"),
        ("图像分割", "语义分割"),
        ("推荐系统", "推荐算法"),
        ("智能问答", "问答系统"),
        ("检索增强生成", "rag"),
        ("小样本学习", "少样本学习"),
        ("增强现实", "ar"),
        ("虚拟现实", "vr"),
        ("混合现实", "mr"),
        ("智能机器人", "服务机器人"),
    ),
    "digital-economy": (
        ("物联网", "iot"),
        ("工业互联网", "iiot", "工业物联网"),
        ("数字孪生", "孪生"),
        ("区块链", "blockchain"),
        ("云计算", "cloud"),
        ("边缘计算", "边缘"),
        ("大数据", "big data"),
        ("数据中心", "idc"),
        ("隐私计算", "多方安全计算"),
        ("网络安全", "信息安全", "安全防护"),
        ("软件即服务", "saas"),
        ("企业资源计划", "erp"),
        ("制造执行系统", "mes"),
        ("智慧城市", "城市大脑"),
        ("智慧农业", "数字农业"),
        ("智能制造", "智能工厂"),
        ("元宇宙", "metaverse"),
        ("低代码", "低代码平台"),
        ("数据治理", "数据管理"),
    ),
    "high-end-equipment": (
        ("数控机床", "cnc", "机床"),
        ("增材制造", "增材", "3d打印"),
        ("可编程逻辑控制器", "plc"),
        ("机械臂", "机械手", "工业机器人"),
        ("协作机器人", "cobot"),
        ("自动导引车", "agv"),
        ("自主移动机器人", "amr"),
        ("减速器", "减速机"),
        ("伺服电机", "伺服"),
        ("激光切割", "激光加工"),
        ("激光焊接", "激光焊"),
        ("无损检测", "ndt"),
        ("工业CT", "工业计算机断层扫描"),
        ("液压", "液压系统"),
        ("轴承", "滚动轴承"),
        ("盾构机", "隧道掘进机", "tbm"),
        ("智能装备", "高端装备"),
        ("精密加工", "超精密加工"),
        ("故障诊断", "故障检测"),
        ("预测性维护", "预测维护"),
    ),
    "new-energy": (
        ("锂离子电池", "锂电池", "锂电"),
        ("钠离子电池", "钠电池", "钠电"),
        ("固态电池", "全固态电池"),
        ("光伏", "太阳能电池", "pv"),
        ("异质结", "hjt"),
        ("隧穿氧化层钝化接触", "topcon"),
        ("燃料电池", "氢燃料电池"),
        ("质子交换膜", "pem"),
        ("电解水制氢", "电解制氢", "水电解"),
        ("储能", "储能系统", "ess"),
        ("液流电池", "全钒液流电池"),
        ("风电", "风力发电"),
        ("海上风电", "海上风力发电"),
        ("正极材料", "正极"),
        ("负极材料", "负极"),
        ("隔膜", "电池隔膜"),
        ("磷酸铁锂", "lfp"),
        ("三元材料", "ncm", "镍钴锰"),
        ("硅碳负极", "硅基负极"),
        ("虚拟电厂", "vpp"),
        ("微电网", "微网"),
        ("智能电网", "电网智能化"),
        ("热泵", "空气源热泵"),
        ("核聚变", "聚变"),
    ),
    "new-energy-vehicles": (
        ("新能源汽车", "新能源车", "电动汽车", "ev"),
        ("混合动力", "混动", "phev"),
        ("电池管理系统", "bms"),
        ("电机控制器", "电控"),
        ("驱动电机", "电驱"),
        ("充电桩", "充电设施"),
        ("换电", "换电站"),
        ("自动驾驶", "无人驾驶", "智能驾驶"),
        ("高级驾驶辅助系统", "adas", "辅助驾驶"),
        ("激光雷达", "lidar"),
        ("毫米波雷达", "车载雷达"),
        ("车联网", "v2x"),
        ("热管理", "热管理系统"),
        ("轻量化", "车身轻量化"),
        ("线控底盘", "线控"),
        ("智能座舱", "座舱"),
        ("电动汽车充电", "快充"),
    ),
    "biomedicine": (
        ("聚合酶链式反应", "pcr"),
        ("信使核糖核酸", "mrna"),
        ("抗体偶联药物", "adc药物"),
        ("基因编辑", "crispr"),
        ("体外诊断", "ivd"),
        ("医疗器械", "器械"),
        ("单克隆抗体", "单抗"),
        ("双特异性抗体", "双抗"),
        ("嵌合抗原受体T细胞", "car-t", "cart"),
        ("细胞治疗", "细胞疗法"),
        ("干细胞", "干细胞治疗"),
        ("基因治疗", "基因疗法"),
        ("疫苗", "预防性疫苗"),
        ("小分子药物", "小分子"),
        ("中药", "中医药"),
        ("原料药", "活性药物成分"),
        ("药物递送", "给药系统"),
        ("纳米药物", "纳米制剂"),
        ("高通量测序", "ngs", "二代测序"),
        ("核磁共振", "mri", "磁共振成像"),
        ("计算机断层扫描", "ct"),
        ("可降解支架", "可吸收支架"),
        ("人工关节", "关节假体"),
        ("手术机器人", "医疗机器人"),
        ("培养基", "细胞培养基"),
        ("类器官", "organoid"),
        ("生物反应器", "发酵罐"),
        ("合成生物学", "合成生物"),
    ),
    "advanced-materials": (
        ("聚酰亚胺", "pi"),
        ("碳纤维", "碳纤维复合材料"),
        ("钕铁硼", "永磁材料"),
        ("石墨烯", "graphene"),
        ("碳纳米管", "cnt"),
        ("高温合金", "超合金"),
        ("钛合金", "钛材"),
        ("镁合金", "可降解镁合金"),
        ("铝合金", "铝材"),
        ("陶瓷基复合材料", "cmc"),
        ("气凝胶", "aerogel"),
        ("稀土", "稀土材料"),
        ("高分子材料", "聚合物", "高分子"),
        ("生物基材料", "生物基"),
        ("可降解塑料", "生物降解塑料"),
        ("涂层", "功能涂层"),
        ("超导", "超导材料"),
        ("半导体材料", "电子材料"),
        ("电子特气", "电子特种气体"),
        ("靶材", "溅射靶材"),
        ("光学薄膜", "光学膜"),
        ("量子点", "qd"),
    ),
    "quantum-information": (
        ("量子密钥分发", "qkd", "量子密钥"),
        ("量子计算", "量子计算机"),
        ("量子通信", "量子保密通信"),
        ("量子精密测量", "量子传感"),
        ("超导量子", "超导量子比特"),
        ("量子比特", "qubit"),
        ("量子随机数", "qrng"),
        ("单光子探测器", "单光子探测"),
        ("后量子密码", "pqc", "抗量子密码"),
    ),
    "energy-saving": (
        ("挥发性有机物", "vocs", "voc"),
        ("污水", "废水"),
        ("污水处理", "水处理"),
        ("余热回收", "余热利用"),
        ("碳捕集", "ccus", "碳捕集利用与封存"),
        ("碳中和", "双碳"),
        ("脱硫", "烟气脱硫"),
        ("脱硝", "烟气脱硝"),
        ("固体废物", "固废"),
        ("危险废物", "危废"),
        ("土壤修复", "污染土壤修复"),
        ("膜分离", "膜技术"),
        ("反渗透", "ro"),
        ("节能", "能效提升"),
        ("资源化利用", "资源化"),
        ("动力电池回收", "电池回收"),
        ("除尘", "烟气除尘"),
    ),
    "aerospace": (
        ("无人机", "uav", "无人驾驶飞行器"),
        ("卫星", "人造卫星"),
        ("低空经济", "低空"),
        ("电动垂直起降", "evtol"),
        ("航空发动机", "航发"),
        ("复合材料机身", "机身复材"),
        ("遥感", "卫星遥感"),
        ("惯性导航", "惯导"),
        ("商业航天", "民营航天"),
        ("火箭发动机", "液体火箭发动机"),
    ),
    "modern-agriculture": (
        ("智慧农业", "精准农业"),
        ("植物工厂", "垂直农场"),
        ("生物农药", "生物防治"),
        ("有机肥", "有机肥料"),
        ("节水灌溉", "滴灌"),
        ("分子育种", "分子标记育种"),
        ("水产养殖", "养殖"),
        ("农业机器人", "农机器人"),
        ("农业无人机", "植保无人机"),
        ("土壤改良", "土壤调理"),
        ("冷链", "冷链物流"),
    ),
    "marine-engineering": (
        ("海洋工程", "海工"),
        ("水下机器人", "rov", "auv"),
        ("海水淡化", "海水脱盐"),
        ("海上平台", "海洋平台"),
        ("海洋监测", "海洋观测"),
        ("防腐", "海洋防腐"),
        ("液化天然气", "lng"),
        ("深海", "深海装备"),
    ),
}
GROUPS: tuple[tuple[str, ...], ...] = tuple(group for groups in SEED.values() for group in groups)


_loaded: tuple[float, dict[str, tuple[str, ...]]] | None = None


def build(groups) -> dict[str, tuple[str, ...]]:
    """Each form -> the other forms of its group (or groups)."""
    found: dict[str, list[str]] = {}
    for group in groups:
        for form in group:
            others = found.setdefault(form, [])
            others += [other for other in group if other != form and other not in others]
    return {form: tuple(others) for form, others in found.items()}


def _read() -> dict[str, tuple[str, ...]]:
    from .models import SynonymGroup

    try:
        return build(group.words for group in SynonymGroup.objects.active().only("forms"))
    except DatabaseError:  # no table yet (a bench or command run before ``migrate``): the seed
        return build(GROUPS)


def table() -> dict[str, tuple[str, ...]]:
    """The staff's groups, read at most every ``REFRESH_SECONDS`` (at once after a change in this process)."""
    global _loaded
    now = time.monotonic()
    if _loaded is None or now - _loaded[0] > REFRESH_SECONDS:
        _loaded = (now, _read())
    return _loaded[1]


def forget(**kwargs) -> None:
    """A group was saved or deleted: read them again at the next search (a signal receiver)."""
    global _loaded
    _loaded = None
