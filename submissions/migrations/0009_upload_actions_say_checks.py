"""Uploads were logged as "paper.accepted" / "paper.rejected", which chairs read as decisions on
the paper: they are now "…passed_checks" / "…failed_checks". Past entries are renamed too."""

from django.db import migrations

RENAMES = {
    f"{kind}.{old}": f"{kind}.{new}"
    for kind in ("paper", "supplementary")
    for old, new in (("accepted", "passed_checks"), ("rejected", "failed_checks"))
}


def rename(apps, schema_editor, renames=RENAMES):
    Action = apps.get_model("actionlog", "Action")
    for old, new in renames.items():
        Action.objects.filter(action=old).update(action=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, {new: old for old, new in RENAMES.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0008_extensions_as_rows"),
        ("actionlog", "0001_initial"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
