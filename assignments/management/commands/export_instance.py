"""``manage.py export_instance SLUG OUT.npz``: an edition's assignment problem in the instance
format of ``assign_instance``, with a CSV key mapping row and column indices to ids."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assignments.instance import edition_instance
from assignments.solver import save_instance
from conferences.models import Edition


class Command(BaseCommand):
    help = "Write an edition's real assignment instance (.npz) and an index key (.csv) beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("edition")
        parser.add_argument("out", type=Path)

    def handle(self, *args: Any, edition: str, out: Path, **options: Any) -> None:
        found = Edition.objects.filter(slug=edition).first()
        if found is None:
            raise CommandError(f"No edition with the slug {edition!r}.")
        instance = edition_instance(found)
        if not instance.submission_ids or not instance.reviewer_ids:
            raise CommandError(f"{found.name} has no active submissions or no PC members yet.")
        save_instance(out, instance.problem)
        with np.load(out) as saved:  # add the bids (instance encoding) to the file
            arrays = dict(saved)
        np.savez_compressed(out, **arrays, bids=instance.bids)
        key = out.with_suffix(".key.csv")
        with key.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["kind", "index", "id", "label"])
            writer.writerows(
                ("paper", i, sid, f"#{number}")
                for i, (sid, number) in enumerate(
                    zip(instance.submission_ids, instance.submission_numbers, strict=True)
                )
            )
            writer.writerows(("reviewer", j, uid, "") for j, uid in enumerate(instance.reviewer_ids))
        shape = instance.problem.affinity.shape
        self.stdout.write(f"Wrote {out} ({shape[0]} papers x {shape[1]} PC members) and {key}.")
