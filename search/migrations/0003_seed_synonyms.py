"""The synonym groups a new site starts with (``search.synonyms.SEED``), each under its technology field."""

from django.db import migrations


def seed(apps, schema_editor):
    from search.synonyms import SEED

    SynonymGroup = apps.get_model("search", "SynonymGroup")
    TechnologyField = apps.get_model("regions", "TechnologyField")
    fields = {field.slug: field for field in TechnologyField.objects.all()}
    known = set(SynonymGroup.objects.values_list("forms", flat=True))
    rows = []
    for slug, groups in SEED.items():
        for group in groups:
            forms = ", ".join(group)
            if forms not in known:
                known.add(forms)
                rows.append(SynonymGroup(forms=forms, field=fields.get(slug)))
    SynonymGroup.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_synonym_groups"), ("regions", "0002_technology_fields")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
