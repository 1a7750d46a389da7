"""Two partial indexes of the transfers (assignments and licences) for the dashboard's statistics.

Each holds every column the statistics read, so PostgreSQL answers from the
index alone. See bench/registry_stats.py.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ip_registry', '0002_ledger_head_and_plan_targets'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='registryentry',
            index=models.Index(condition=models.Q(('kind__in', ('assignment', 'licence'))), fields=['registration_date', 'cross_province', 'from_region', 'to_region', 'ipc_section'], name='registry_transfers_by_date'),
        ),
        migrations.AddIndex(
            model_name='registryentry',
            index=models.Index(condition=models.Q(('kind__in', ('assignment', 'licence'))), fields=['from_region', 'to_region', 'cross_province', 'registration_date', 'ipc_section'], name='registry_transfers_by_flow'),
        ),
    ]
