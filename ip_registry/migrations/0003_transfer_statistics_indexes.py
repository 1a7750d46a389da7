"""Two partial indexes of the transfers (assignments and licences) for the dashboard's statistics.

Each holds every column the statistics read, so PostgreSQL answers from the
index alone: one in date order (the yearly trend groups by day; date ranges of
the target progress), one in flow order (the flow matrix groups by from-region,
to-region and cross-province without hashing). See bench/registry_stats.py.
They are created with SQL because Django's state has no need of them.
"""

from django.db import migrations

TRANSFERS = "kind IN ('assignment', 'licence')"
INDEXES = {
    "registry_transfers_by_date": "registration_date, cross_province, from_region, to_region, ipc_section",
    "registry_transfers_by_flow": "from_region, to_region, cross_province, registration_date, ipc_section",
}


class Migration(migrations.Migration):
    dependencies = [("ip_registry", "0002_ledger_head_and_plan_targets")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {name} ON ip_registry_registryentry ({columns}) WHERE {TRANSFERS}",
            f"DROP INDEX {name}",
        )
        for name, columns in INDEXES.items()
    ]
