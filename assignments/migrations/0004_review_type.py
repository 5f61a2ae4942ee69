from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assignments", "0003_run_fairness"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="is_secondary",
            field=models.BooleanField(
                default=False, help_text="A review assignment the chairs made secondary (HotCRP's review types)."
            ),
        ),
    ]
