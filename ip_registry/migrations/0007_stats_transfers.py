"""Transfers counted as the plan means them, and joint applications from the applicants at filing.

The ledger's entries cannot change, so what the statistics count lives beside
it: one ``Transfer`` per patent, kind and registration day (a batch of rows for
one recorded change counts once; cross-province when the provinces of its two
sides differ as sets), the monthly tallies now count those transfers, and
``JointApplication`` holds each cross-province joint invention application once
per target region its applicants at filing make it count for. It replaces the
patent's ``joint_cross_province`` flag. All three are counted from the ledger
at the end. The statistics no longer read the ledger's ``registry_stats`` index:
the transfers have their own.
"""

import django.db.models.deletion
from django.db import migrations, models

import ip_registry.choices

REGION_CHOICES = [("310000", "310000"), ("320000", "320000"), ("330000", "330000"), ("340000", "340000"), ("other", "other")]
KIND_CHOICES = [
    ("application", "application recorded"),
    ("grant", "grant"),
    ("assignment", "assignment"),
    ("licence", "licence recordal"),
    ("pledge", "pledge"),
    ("pledge_release", "pledge release"),
    ("open_licence_declaration", "open licence declared"),
    ("open_licence_withdrawal", "open licence withdrawn"),
    ("name_change", "right holder's name changed"),
]


def count_the_ledger(apps, schema_editor):
    from ip_registry.tallies import tally_rebuild

    tally_rebuild(apps)


class Migration(migrations.Migration):
    dependencies = [("ip_registry", "0006_clerk_recording")]

    operations = [
        migrations.CreateModel(
            name="Transfer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "patent",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="transfers",
                        to="ip_registry.patent",
                        verbose_name="patent",
                    ),
                ),
                ("kind", models.CharField(choices=KIND_CHOICES, max_length=32, verbose_name="event")),
                ("registration_date", models.DateField(verbose_name="registration date")),
                ("entries", models.PositiveIntegerField(default=1, verbose_name="ledger entries")),
                ("from_region", models.CharField(blank=True, choices=REGION_CHOICES, max_length=6)),
                ("to_region", models.CharField(blank=True, choices=REGION_CHOICES, max_length=6)),
                ("cross_province", models.BooleanField(default=False, verbose_name="cross-province")),
                ("ipc_section", models.CharField(blank=True, max_length=1)),
            ],
            options={
                "verbose_name": "transfer as counted",
                "verbose_name_plural": "transfers as counted",
                "ordering": ["registration_date", "patent", "kind"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("patent", "kind", "registration_date"), name="one_transfer_per_day"
                    )
                ],
                "indexes": [
                    models.Index(
                        fields=[
                            "registration_date",
                            "kind",
                            "from_region",
                            "to_region",
                            "cross_province",
                            "ipc_section",
                        ],
                        name="transfer_stats",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="JointApplication",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "patent",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="joint_application_regions",
                        to="ip_registry.patent",
                        verbose_name="patent",
                    ),
                ),
                (
                    "region",
                    models.CharField(
                        choices=ip_registry.choices.target_region_choices, max_length=6, verbose_name="region"
                    ),
                ),
                ("filing_date", models.DateField(verbose_name="filing date")),
            ],
            options={
                "verbose_name": "joint application",
                "verbose_name_plural": "joint applications",
                "ordering": ["filing_date", "patent", "region"],
                "constraints": [
                    models.UniqueConstraint(fields=("patent", "region"), name="one_joint_application_per_region")
                ],
                "indexes": [models.Index(fields=["region", "filing_date"], name="joint_application_target")],
            },
        ),
        migrations.RenameField(model_name="transfertally", old_name="entries", new_name="transfers"),
        migrations.AlterField(
            model_name="transfertally",
            name="transfers",
            field=models.PositiveIntegerField(default=0, verbose_name="number of transfers"),
        ),
        migrations.RemoveIndex(model_name="registryentry", name="registry_stats"),
        migrations.RemoveIndex(model_name="patent", name="patent_joint_inventions"),
        migrations.RemoveField(model_name="patent", name="joint_cross_province"),
        migrations.RunPython(count_the_ledger, migrations.RunPython.noop),
    ]
