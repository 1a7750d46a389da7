"""The database cache's table for the rate limits and sign-in lockouts (the "ratelimit" cache in settings).

Made by Django's own ``createcachetable`` so that it is the table the cache backend expects, on every database
the site runs on; it does nothing when the table exists, or when no cache in settings is a database cache.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_organisation_credit_code_optional"),
    ]

    operations = [
        migrations.RunPython(create_cache_tables, migrations.RunPython.noop),
    ]
