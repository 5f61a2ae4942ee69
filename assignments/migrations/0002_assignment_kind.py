# An assignment has a kind (review, meta-review, artifact evaluation); one per pair and kind.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assignments', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='assignment',
            name='kind',
            field=models.CharField(choices=[('review', 'Review'), ('meta_review', 'Meta-review'), ('artifact', 'Artifact evaluation')], default='review', max_length=12),
        ),
        migrations.RemoveConstraint(
            model_name='assignment',
            name='one_assignment_per_pair',
        ),
        migrations.AddConstraint(
            model_name='assignment',
            constraint=models.UniqueConstraint(fields=('submission', 'user', 'kind'), name='one_assignment_per_pair_and_kind'),
        ),
    ]
