"""Monthly transfer tallies for the statistics, counted from the ledger so far.

They replace the two partial indexes of migration 0003: the statistics now add
up tallies and read the ledger only for the days at the edges of a period,
which the ``registry_stats`` index covers. A small partial index of the joint
invention applications serves the joint-application target.
"""

from django.db import migrations, models


def count_the_ledger(apps, schema_editor):
    """Nothing now: migration 0005_stats_transfers counts the ledger into the tables that replaced these tallies'
    first version (the live counting code reads tables this migration's models do not have yet)."""


class Migration(migrations.Migration):

    dependencies = [
        ('ip_registry', '0003_transfer_statistics_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='TransferTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(help_text='The first day of the month the transfers were registered in.', verbose_name='month')),
                ('kind', models.CharField(choices=[('application', 'application recorded'), ('grant', 'grant'), ('assignment', 'assignment'), ('licence', 'licence recordal'), ('pledge', 'pledge'), ('pledge_release', 'pledge release'), ('open_licence_declaration', 'open licence declared'), ('open_licence_withdrawal', 'open licence withdrawn'), ('name_change', "right holder's name changed")], max_length=32, verbose_name='event')),
                ('from_region', models.CharField(blank=True, choices=[('310000', '310000'), ('320000', '320000'), ('330000', '330000'), ('340000', '340000'), ('other', 'other')], max_length=6)),
                ('to_region', models.CharField(blank=True, choices=[('310000', '310000'), ('320000', '320000'), ('330000', '330000'), ('340000', '340000'), ('other', 'other')], max_length=6)),
                ('cross_province', models.BooleanField(default=False, verbose_name='cross-province')),
                ('ipc_section', models.CharField(blank=True, max_length=1)),
                ('entries', models.PositiveIntegerField(default=0, verbose_name='entries')),
            ],
            options={
                'verbose_name': 'transfer tally',
                'verbose_name_plural': 'transfer tallies',
                'ordering': ['month', 'kind', 'from_region', 'to_region'],
            },
        ),
        migrations.RemoveIndex(
            model_name='registryentry',
            name='registry_transfers_by_date',
        ),
        migrations.RemoveIndex(
            model_name='registryentry',
            name='registry_transfers_by_flow',
        ),
        migrations.AddConstraint(
            model_name='transfertally',
            constraint=models.UniqueConstraint(fields=('month', 'kind', 'from_region', 'to_region', 'cross_province', 'ipc_section'), name='one_tally_per_cell'),
        ),
        migrations.AddIndex(
            model_name='patent',
            index=models.Index(condition=models.Q(('joint_cross_province', True), ('patent_type__in', ('invention', 'pct_invention'))), fields=['filing_date', 'id'], name='patent_joint_inventions'),
        ),
        migrations.RunPython(count_the_ledger, migrations.RunPython.noop),
    ]
