# Submissions get a state (issue 8). Existing rows: withdrawn_at set -> withdrawn; an accepted
# paper PDF -> submitted; else abstract.

from django.db import migrations, models


def _states(apps, schema_editor):
    Submission = apps.get_model("submissions", "Submission")
    SubmissionFile = apps.get_model("submissions", "SubmissionFile")
    with_paper = SubmissionFile.objects.filter(kind="paper", is_accepted=True).values("submission_id")
    Submission.objects.filter(withdrawn_at__isnull=False).update(state="withdrawn")
    Submission.objects.filter(withdrawn_at__isnull=True, pk__in=with_paper).update(state="submitted")
    Submission.objects.filter(withdrawn_at__isnull=True).exclude(pk__in=with_paper).update(state="abstract")


class Migration(migrations.Migration):

    dependencies = [
        ("submissions", "0006_submissionfile_proven_type"),
    ]

    operations = [
        migrations.AddField(
            model_name='submission',
            name='decision_released_at',
            field=models.DateTimeField(blank=True, help_text='When the authors were shown the decision; until then it is under review.', null=True),
        ),
        migrations.AddField(
            model_name='submission',
            name='state',
            field=models.CharField(choices=[('abstract', 'Abstract registered, no PDF yet'), ('submitted', 'PDF submitted'), ('withdrawn', 'Withdrawn'), ('desk_rejected', 'Desk rejected'), ('accepted', 'Accepted'), ('rejected', 'Rejected')], default='abstract', max_length=20),
        ),
        migrations.AddField(
            model_name='submission',
            name='state_reason',
            field=models.TextField(blank=True, help_text='Why a chair desk rejected the paper, as the authors read it.'),
        ),
        migrations.AlterField(
            model_name='submission',
            name='withdrawn_at',
            field=models.DateTimeField(blank=True, help_text='When it was last withdrawn.', null=True),
        ),
        migrations.AddIndex(
            model_name='submission',
            index=models.Index(fields=['edition', 'state'], name='submissions_edition_7fb8dd_idx'),
        ),
        migrations.RunPython(_states, migrations.RunPython.noop),
    ]
