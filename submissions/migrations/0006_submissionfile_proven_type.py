# Files are served only as the type their bytes were proven to be (issue 7). Existing rows
# get it from their bytes, or from their stored extension when the bytes can't be read.

from django.db import migrations, models

PDF, ZIP = "application/pdf", "application/zip"


def _proven_type(head: bytes | None, name: str) -> str:
    if head is not None:
        if head.startswith(b"PK"):  # the supplementary check reads these as ZIP archives
            return ZIP
        if b"%PDF-" in head:
            return PDF
    return {"pdf": PDF, "zip": ZIP}.get(name.rsplit(".", 1)[-1].lower(), "")


def _head(field) -> bytes | None:
    try:
        with field.storage.open(field.name, "rb") as handle:
            return handle.read(1024)
    except OSError:
        return None


def fill_proven_types(apps, schema_editor):
    SubmissionFile = apps.get_model("submissions", "SubmissionFile")
    for row in SubmissionFile.objects.exclude(file="").only("pk", "file").iterator():
        proven = _proven_type(_head(row.file), row.file.name)
        SubmissionFile.objects.filter(pk=row.pk).update(content_type=proven)


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0005_author_notices_and_disputes"),
    ]

    operations = [
        migrations.AddField(
            model_name="submissionfile",
            name="content_type",
            field=models.CharField(
                blank=True,
                choices=[("application/pdf", "PDF"), ("application/zip", "ZIP archive")],
                help_text="What the checks proved the bytes to be (empty when rejected); the file is served as "
                "this only.",
                max_length=40,
            ),
        ),
        migrations.AlterField(
            model_name="submissionfile",
            name="original_name",
            field=models.CharField(help_text="As uploaded: a record only, never used to serve.", max_length=255),
        ),
        migrations.RunPython(fill_proven_types, migrations.RunPython.noop),
    ]
