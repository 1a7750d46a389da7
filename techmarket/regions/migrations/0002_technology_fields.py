"""The initial list of technology fields named in the regional plans; staff edit it afterwards."""

from django.db import migrations

FIELDS = [
    ("integrated-circuits", "集成电路", "Integrated circuits"),
    ("artificial-intelligence", "人工智能", "Artificial intelligence"),
    ("biomedicine", "生物医药", "Biomedicine"),
    ("advanced-materials", "先进材料", "Advanced materials"),
    ("high-end-equipment", "高端装备", "High-end equipment"),
    ("new-energy", "新能源", "New energy"),
    ("new-energy-vehicles", "新能源汽车", "New energy vehicles"),
    ("quantum-information", "量子信息", "Quantum information"),
    ("energy-saving", "节能环保", "Energy saving and environmental protection"),
    ("digital-economy", "数字经济", "Digital economy"),
    ("electronic-information", "电子信息", "Electronic information"),
    ("aerospace", "航空航天", "Aerospace"),
    ("modern-agriculture", "现代农业", "Modern agriculture"),
    ("marine-engineering", "海洋工程", "Marine engineering"),
]


def add_fields(apps, schema_editor):
    TechnologyField = apps.get_model("regions", "TechnologyField")
    for position, (slug, name_zh, name_en) in enumerate(FIELDS):
        TechnologyField.objects.update_or_create(
            slug=slug, defaults={"name_zh": name_zh, "name_en": name_en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]

    operations = [migrations.RunPython(add_fields, migrations.RunPython.noop)]
