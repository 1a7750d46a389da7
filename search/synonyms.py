"""Words that name the same thing: abbreviations, the other language, a shorter or longer form.

Applied at query time (``understanding.py``) by both backends, so a change
here takes effect without a reindex. Each group lists interchangeable
forms; Latin forms are written lower-cased, as the words fields hold them.
A staff-managed list (an admin page) is to replace this seed.
"""

from __future__ import annotations

from functools import cache

# Gathered field by field from the technology fields the migrations seed.
GROUPS: tuple[tuple[str, ...], ...] = (
    # integrated circuits, electronic information
    ("氮化镓", "gan"),
    ("碳化硅", "sic"),
    ("集成电路", "ic"),
    ("模数转换", "adc", "模数转换器"),
    ("数模转换", "dac", "数模转换器"),
    ("现场可编程门阵列", "fpga"),
    ("微机电系统", "mems"),
    ("印制电路板", "pcb", "电路板"),
    ("发光二极管", "led"),
    ("有机发光二极管", "oled"),
    ("绝缘栅双极晶体管", "igbt"),
    ("射频识别", "rfid"),
    # artificial intelligence, digital economy
    ("人工智能", "ai"),
    ("机器视觉", "计算机视觉", "视觉检测"),
    ("增强现实", "ar"),
    ("虚拟现实", "vr"),
    ("物联网", "iot"),
    ("大语言模型", "大模型", "llm"),
    ("自然语言处理", "nlp"),
    ("光学字符识别", "ocr", "文字识别"),
    ("数字孪生", "孪生"),
    ("区块链", "blockchain"),
    ("云计算", "cloud"),
    ("边缘计算", "边缘"),
    # high-end equipment
    ("数控机床", "cnc", "机床"),
    ("无人机", "uav", "无人驾驶飞行器"),
    ("增材制造", "增材"),
    ("可编程逻辑控制器", "plc"),
    ("机械臂", "机械手", "工业机器人"),
    # new energy, new-energy vehicles
    ("新能源汽车", "新能源车", "电动汽车", "ev"),
    ("锂离子电池", "锂电池", "锂电"),
    ("钠离子电池", "钠电池", "钠电"),
    ("电池管理系统", "bms"),
    ("光伏", "太阳能电池", "pv"),
    ("燃料电池", "氢燃料电池"),
    ("储能", "储能系统", "ess"),
    ("充电桩", "充电设施"),
    ("自动驾驶", "无人驾驶", "智能驾驶"),
    ("激光雷达", "lidar"),
    # biomedicine
    ("聚合酶链式反应", "pcr"),
    ("信使核糖核酸", "mrna"),
    ("抗体偶联药物", "adc药物"),
    ("基因编辑", "crispr"),
    ("体外诊断", "ivd"),
    ("医疗器械", "器械"),
    # materials
    ("聚酰亚胺", "pi"),
    ("碳纤维", "碳纤维复合材料"),
    ("钕铁硼", "永磁材料"),
    # energy saving, environment
    ("挥发性有机物", "vocs", "voc"),
    ("污水", "废水"),
    ("余热回收", "余热利用"),
    # quantum information
    ("量子密钥分发", "qkd", "量子密钥"),
    ("量子计算", "量子计算机"),
)


@cache
def table() -> dict[str, tuple[str, ...]]:
    """Each form -> the other forms of its group (or groups)."""
    found: dict[str, list[str]] = {}
    for group in GROUPS:
        for form in group:
            others = found.setdefault(form, [])
            others += [other for other in group if other != form and other not in others]
    return {form: tuple(others) for form, others in found.items()}
