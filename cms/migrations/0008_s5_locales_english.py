"""The English locale beside the Chinese one, so editors can translate pages into English (Wagtail's locales)."""

from django.db import migrations


def add_english(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Locale.objects.get_or_create(language_code="en")


class Migration(migrations.Migration):
    dependencies = [("cms", "0007_cmsadmin_site_settings"), ("wagtailcore", "0001_initial")]

    operations = [migrations.RunPython(add_english, migrations.RunPython.noop)]
