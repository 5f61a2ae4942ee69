# The AE chairs' badge decisions (helper "aebadge"; the lead chains 0002-0004 afterwards).

import artifacts.models
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('artifacts', '0003_evaluations'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='BadgeDecision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('badges', models.JSONField(blank=True, default=list, validators=[artifacts.models.validate_awarded])),
                ('note', models.TextField(blank=True, help_text='Sent to the authors with the badges.', max_length=5000)),
                ('decided_at', models.DateTimeField()),
                ('released_at', models.DateTimeField(blank=True, null=True)),
                ('artifact', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='badge_decision', to='artifacts.artifact')),
                ('decided_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ('artifact__submission__number',),
            },
        ),
    ]
