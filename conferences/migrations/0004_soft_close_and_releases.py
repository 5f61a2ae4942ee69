# Deadlines get an optional soft (announced) close; chair-triggered releases become their own rows.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("conferences", "0003_call_for_papers_limit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="deadline",
            name="soft_closes_at",
            field=models.DateTimeField(
                blank=True,
                help_text="The announced deadline. After it, input is still taken until the hard close, marked late.",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="deadline",
            name="closes_at",
            field=models.DateTimeField(help_text="The hard close: the last second at which the phase is open."),
        ),
        migrations.AddConstraint(
            model_name="deadline",
            constraint=models.CheckConstraint(
                condition=models.Q(("soft_closes_at__isnull", True), ("soft_closes_at__lte", models.F("closes_at")), _connector="OR"),
                name="deadline_soft_close_not_after_hard",
            ),
        ),
        migrations.CreateModel(
            name="Release",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("reviews_to_authors", "Reviews to authors"),
                            ("decisions", "Decisions"),
                            ("program", "Program"),
                        ],
                        max_length=32,
                    ),
                ),
                (
                    "scheduled_at",
                    models.DateTimeField(
                        blank=True, help_text="When the job releases it; empty: not planned.", null=True
                    ),
                ),
                ("released_at", models.DateTimeField(blank=True, null=True)),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "edition",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="releases", to="conferences.edition"
                    ),
                ),
            ],
            options={
                "ordering": ("edition", "kind"),
                "constraints": [models.UniqueConstraint(fields=("edition", "kind"), name="one_release_per_kind")],
            },
        ),
    ]
