"""Building the proceedings: a chair requests a build (:func:`build_request`), which queues the
job; the job (:func:`build_run`) claims the build with one conditional UPDATE, so running it
twice, or once it is done, does nothing; writes the document into a temporary file, counting its
steps for the chairs' progress bar; and only once the file is complete stores it and marks the
build done. A problem the chairs can act on (a paper without a readable final PDF) fails the
build with that sentence; a temporary error (the database, the network) puts it back in the
queue for the job's next try."""

from __future__ import annotations

import hashlib
import logging
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from actionlog.services import record_action
from conferences.models import Edition
from mlsys_conf.policy import require
from proceedings import policy, tasks  # tasks import this module too: each uses the other only in calls
from proceedings.archive import write_archive
from proceedings.assembly import assemble_proceedings
from proceedings.booklet import write_booklet
from proceedings.contents import BuildProblem, Progress
from proceedings.front_matter import write_front_matter
from proceedings.models import Build, BuildKind, BuildStatus
from proceedings.selectors import ACTIVE
from program.models import ProgramVersion
from program.selectors import published_version

log = logging.getLogger(__name__)

# Worth another try of the whole build: the database or a network file store hiccuped.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
# A build still "running" this long after it started lost its worker: it may be claimed again.
STALE_AFTER = timedelta(hours=1)
PROGRESS_EVERY = 1.0  # seconds between two saves of the step counter (and at least every 5%)
CHUNK = 1 << 20

Writer = Callable[[ProgramVersion, IO[bytes], Progress], Any]
WRITERS: dict[str, Writer] = {
    BuildKind.BOOKLET: write_booklet,
    BuildKind.FRONT_MATTER: write_front_matter,
    BuildKind.PROCEEDINGS: assemble_proceedings,
    BuildKind.ARCHIVE: write_archive,
}
NOT_PUBLISHED = "The program is not published yet: publish it first; the proceedings are made from it."
QUEUE_DOWN = "The job queue could not be reached, so the build never started. Please try again in a minute."


def build_request(*, edition: Edition, kind: str, by: Any) -> Build:
    """Queue a build of ``kind`` from the newest published program version; refused before
    the first publication, and while a build of that kind and version is queued or running."""
    require(policy.can_manage_proceedings(by, edition))
    if kind not in BuildKind.values:
        raise ValidationError(f"Unknown kind of build: {kind!r}.")
    with transaction.atomic():
        Edition.objects.select_for_update().filter(pk=edition.pk).first()  # one request at a time
        version = published_version(edition)
        if version is None:
            raise ValidationError(NOT_PUBLISHED)
        active = Build.objects.filter(edition=edition, version=version, kind=kind, status__in=ACTIVE)
        if active.filter(_not_stale(timezone.now())).exists():
            label = BuildKind(kind).label
            raise ValidationError(f"A build of the {label} of program version {version.number} is already under way.")
        build = Build.objects.create(edition=edition, version=version, kind=kind, requested_by=by)
        record_action(edition=edition, actor=by, action="proceedings.build_requested", target=build)
        transaction.on_commit(lambda: _queue(build.pk))
    return build


def _not_stale(now: datetime) -> Q:
    return Q(status=BuildStatus.QUEUED) | Q(started_at__gte=now - STALE_AFTER)


def _queue(build_id: int) -> None:
    if tasks.run_build.delay(build_id) is None:  # the broker is down (mlsys_conf.queueing)
        build_fail(build_id=build_id, error=QUEUE_DOWN)


def build_fail(*, build_id: int, error: str) -> None:
    """Mark the build failed with ``error`` (a sentence for the chairs), and no file."""
    Build.objects.filter(pk=build_id).exclude(status=BuildStatus.DONE).update(
        status=BuildStatus.FAILED, error=error, finished_at=timezone.now(), file="", size=None, sha256=""
    )


class StepCounter:
    """The build's progress, saved to its row at most every :data:`PROGRESS_EVERY` seconds or
    5% of the steps (not at every page), so the chairs' page can show a bar."""

    def __init__(self, build: Build) -> None:
        self.build_id = build.pk
        self.saved_at = 0.0
        self.saved_done = -1
        self.total = 0

    def __call__(self, done: int, total: int) -> None:
        self.total = total
        due = time.monotonic() - self.saved_at >= PROGRESS_EVERY or done - self.saved_done >= max(1, total // 20)
        if due or done >= total - 1:
            Build.objects.filter(pk=self.build_id).update(steps_done=done, steps_total=total)
            self.saved_at, self.saved_done = time.monotonic(), done


def _claim(build_id: int, now: datetime) -> bool:
    claimable = Q(status=BuildStatus.QUEUED) | Q(status=BuildStatus.RUNNING, started_at__lt=now - STALE_AFTER)
    claimed = Build.objects.filter(claimable, pk=build_id).update(
        status=BuildStatus.RUNNING, started_at=now, steps_done=0, error=""
    )
    return claimed == 1


def _digest(stream: IO[bytes]) -> tuple[str, int]:
    stream.seek(0)
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size


def _store(build: Build, stream: IO[bytes], counter: StepCounter) -> None:
    """Save the complete temporary file as the build's file, then mark the build done."""
    sha256, size = _digest(stream)
    build.file.save("build", File(stream, name="build"), save=False)  # the name comes from upload_to
    total = counter.total or 1
    Build.objects.filter(pk=build.pk, status=BuildStatus.RUNNING).update(
        status=BuildStatus.DONE,
        file=build.file.name,
        size=size,
        sha256=sha256,
        steps_done=total,
        steps_total=total,
        finished_at=timezone.now(),
    )


def build_run(*, build_id: int) -> Build | None:
    """Make the build ``build_id`` if it is waiting (else do nothing and return None). Re-raises
    :data:`TRANSIENT_ERRORS` after putting the build back in the queue, for the job to retry."""
    if not _claim(build_id, timezone.now()):
        log.info("build %s is not waiting to be made: nothing to do", build_id)
        return None
    build = Build.objects.select_related("edition", "version").get(pk=build_id)
    counter = StepCounter(build)
    try:
        with tempfile.TemporaryFile() as stream:
            WRITERS[build.kind](build.version, stream, counter)
            _store(build, stream, counter)
    except BuildProblem as problem:
        build_fail(build_id=build_id, error=str(problem))
    except TRANSIENT_ERRORS:
        Build.objects.filter(pk=build_id, status=BuildStatus.RUNNING).update(status=BuildStatus.QUEUED, steps_done=0)
        raise
    except Exception:
        log.exception("build %s (%s) failed", build_id, build.kind)
        if build.file.name:
            build.file.storage.delete(build.file.name)
        build_fail(
            build_id=build_id,
            error="The build failed on an unexpected error (recorded in the server's log). "
            "Try again; if it fails again, tell the site's administrators.",
        )
    build.refresh_from_db()
    return build
