# The artifact link check (helper "lc"): the last answer of the repository URL and the DOI.

from django.db import migrations, models

LINK_STATUSES = [
    ("ok", "answered"),
    ("broken", "broken"),
    ("unreachable", "unreachable"),
    ("refused", "not checked"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("artifacts", "0004_badges"),
    ]

    operations = [
        migrations.AddField(
            model_name="artifact",
            name="link_checked_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="artifact",
            name="repository_status",
            field=models.CharField(blank=True, choices=LINK_STATUSES, editable=False, max_length=12),
        ),
        migrations.AddField(
            model_name="artifact",
            name="repository_detail",
            field=models.CharField(blank=True, editable=False, max_length=300),
        ),
        migrations.AddField(
            model_name="artifact",
            name="doi_status",
            field=models.CharField(blank=True, choices=LINK_STATUSES, editable=False, max_length=12),
        ),
        migrations.AddField(
            model_name="artifact",
            name="doi_detail",
            field=models.CharField(blank=True, editable=False, max_length=300),
        ),
    ]
