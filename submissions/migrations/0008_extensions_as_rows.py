# A chair's extension becomes a row per phase and per paper (or per person); the one
# ``Submission.extended_until`` column, limited to the paper and supplementary phases, goes.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

PHASES_OF_THE_OLD_COLUMN = ("paper", "supplementary")


def _column_to_rows(apps, schema_editor):
    Submission = apps.get_model("submissions", "Submission")
    Extension = apps.get_model("submissions", "Extension")
    Extension.objects.bulk_create(
        Extension(edition_id=s.edition_id, phase=phase, until=s.extended_until, submission=s, reason="")
        for s in Submission.objects.filter(extended_until__isnull=False)
        for phase in PHASES_OF_THE_OLD_COLUMN
    )


def _rows_to_column(apps, schema_editor):
    Submission = apps.get_model("submissions", "Submission")
    Extension = apps.get_model("submissions", "Extension")
    for row in Extension.objects.filter(submission__isnull=False, phase="paper"):
        Submission.objects.filter(pk=row.submission_id).update(extended_until=row.until)


class Migration(migrations.Migration):
    dependencies = [
        ("conferences", "0004_soft_close_and_releases"),
        ("submissions", "0007_submission_state"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Extension",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "phase",
                    models.CharField(
                        choices=[
                            ("abstract", "Abstract registration"),
                            ("paper", "Paper submission"),
                            ("supplementary", "Supplementary material"),
                            ("bidding", "Bidding"),
                            ("reviewing", "Reviewing"),
                            ("response", "Author response"),
                            ("discussion", "Discussion"),
                            ("notification", "Notification"),
                            ("camera_ready", "Camera-ready"),
                            ("artifact_registration", "Artifact registration"),
                            ("artifact_evaluation", "Artifact evaluation"),
                            ("program", "Program publication"),
                        ],
                        max_length=32,
                    ),
                ),
                (
                    "until",
                    models.DateTimeField(help_text="The last second at which this paper or person may still hand in."),
                ),
                ("reason", models.CharField(blank=True, max_length=300)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "edition",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="extensions", to="conferences.edition"
                    ),
                ),
                (
                    "granted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "submission",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="extensions",
                        to="submissions.submission",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="extensions",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ("edition", "phase", "until"),
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("submission__isnull", True), ("user__isnull", True), _connector="XOR"),
                        name="extension_for_a_paper_or_a_person",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("submission__isnull", False)),
                        fields=("phase", "submission"),
                        name="one_paper_extension",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("user__isnull", False)),
                        fields=("edition", "phase", "user"),
                        name="one_person_extension",
                    ),
                ],
            },
        ),
        migrations.RunPython(_column_to_rows, _rows_to_column),
        migrations.RemoveField(model_name="submission", name="extended_until"),
    ]
