"""Requesting and running builds: who may, when, what the job leaves behind, and that running
it twice does nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError

from conferences.models import Edition
from mlsys_conf.policy import PolicyDenied
from proceedings import services, tasks
from proceedings.models import Build, BuildKind, BuildStatus
from tests.proceedings.factories import Published, publish_program

pytestmark = pytest.mark.django_db


def built(kind: str, edition: Edition, by: Any, capture: Any) -> Build:
    with capture(execute=True):
        build = services.build_request(edition=edition, kind=kind, by=by)
    build.refresh_from_db()
    return build


def content_of(build: Build) -> bytes:
    with build.file.open("rb") as stream:
        return stream.read()


def stored_builds() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "proceedings"
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def test_refused_before_the_program_is_published(edition: Edition, pc_chair: Any) -> None:
    with pytest.raises(ValidationError, match="not published yet"):
        services.build_request(edition=edition, kind=BuildKind.BOOKLET, by=pc_chair)
    assert not Build.objects.exists()


@pytest.mark.parametrize("who", ["systems", "ae_chair", "outsider"])
def test_refused_for_everyone_but_the_chairs(published: Published, members: dict[str, Any], who: str) -> None:
    from tests.factories.accounts import UserFactory

    user = UserFactory() if who == "outsider" else members[who]
    with pytest.raises(PolicyDenied, match="Only the PC chairs"):
        services.build_request(edition=published.edition, kind=BuildKind.BOOKLET, by=user)


def test_unknown_kind_is_refused(published: Published, pc_chair: Any) -> None:
    with pytest.raises(ValidationError, match="Unknown kind"):
        services.build_request(edition=published.edition, kind="poster", by=pc_chair)


def test_one_build_of_a_kind_at_a_time(published: Published, pc_chair: Any) -> None:
    first = services.build_request(edition=published.edition, kind=BuildKind.ARCHIVE, by=pc_chair)  # queued
    assert first.status == BuildStatus.QUEUED
    with pytest.raises(ValidationError, match="already under way"):
        services.build_request(edition=published.edition, kind=BuildKind.ARCHIVE, by=pc_chair)
    services.build_request(edition=published.edition, kind=BuildKind.BOOKLET, by=pc_chair)  # another kind: fine
    Build.objects.filter(pk=first.pk).update(status=BuildStatus.DONE)
    services.build_request(edition=published.edition, kind=BuildKind.ARCHIVE, by=pc_chair)  # once done: again


def test_the_job_builds_the_proceedings_once(
    published: Published, pc_chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    build = built(BuildKind.PROCEEDINGS, published.edition, pc_chair, django_capture_on_commit_callbacks)
    assert build.status == BuildStatus.DONE
    assert build.error == ""
    assert build.steps_done == build.steps_total == len(published.papers) + 2
    assert build.percent == 100
    content = content_of(build)
    assert content.startswith(b"%PDF")
    assert build.size == len(content)
    assert build.sha256 == hashlib.sha256(content).hexdigest()
    assert build.started_at is not None
    assert build.finished_at is not None
    # Running the job again does nothing: same file, same times.
    finished, name = build.finished_at, build.file.name
    assert tasks.run_build.delay(build.pk).get() == "nothing to do"
    build.refresh_from_db()
    assert (build.finished_at, build.file.name, build.status) == (finished, name, BuildStatus.DONE)
    assert len(stored_builds()) == 1


@pytest.mark.parametrize("kind", [BuildKind.BOOKLET, BuildKind.FRONT_MATTER, BuildKind.ARCHIVE])
def test_every_kind_is_built(
    published: Published, pc_chair: Any, django_capture_on_commit_callbacks: Any, kind: str
) -> None:
    build = built(kind, published.edition, pc_chair, django_capture_on_commit_callbacks)
    assert build.status == BuildStatus.DONE, build.error
    assert build.steps_done == build.steps_total > 0
    magic = b"PK" if kind == BuildKind.ARCHIVE else b"%PDF"
    assert content_of(build).startswith(magic)


def test_an_unreadable_final_pdf_fails_the_build_and_leaves_no_file(
    published: Published, pc_chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    broken = published.files[4]
    Path(broken.file.path).write_bytes(b"%PDF-1.7\nthis is not a PDF at all\n%%EOF\n")
    build = built(BuildKind.PROCEEDINGS, published.edition, pc_chair, django_capture_on_commit_callbacks)
    assert build.status == BuildStatus.FAILED
    assert build.error == "Paper #4's final PDF could not be read; nothing was built."
    assert not build.file
    assert build.size is None
    assert stored_builds() == []


def test_a_paper_without_a_final_pdf_is_named(
    edition: Edition, members: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    published = publish_program(edition, with_pdfs=False)
    build = built(BuildKind.ARCHIVE, published.edition, members["chair"], django_capture_on_commit_callbacks)
    assert build.status == BuildStatus.FAILED
    assert "#1, #2, #3, #4" in build.error


def test_the_booklet_needs_no_final_pdf(
    edition: Edition, members: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    published = publish_program(edition, with_pdfs=False)
    build = built(BuildKind.BOOKLET, published.edition, members["chair"], django_capture_on_commit_callbacks)
    assert build.status == BuildStatus.DONE


def test_a_temporary_error_is_tried_again_then_reported(
    published: Published,
    pc_chair: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
    retries_run_eagerly: Any,
) -> None:
    tries = []

    def hiccup(*args: Any) -> None:
        tries.append(1)
        raise OperationalError("the database went away")

    monkeypatch.setitem(services.WRITERS, BuildKind.BOOKLET, hiccup)
    build = built(BuildKind.BOOKLET, published.edition, pc_chair, django_capture_on_commit_callbacks)
    assert len(tries) == tasks.MAX_RETRIES + 1
    assert build.status == BuildStatus.FAILED
    assert "temporary error (OperationalError)" in build.error


def test_an_unexpected_error_fails_with_a_readable_message(
    published: Published, pc_chair: Any, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def bug(*args: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setitem(services.WRITERS, BuildKind.BOOKLET, bug)
    build = built(BuildKind.BOOKLET, published.edition, pc_chair, django_capture_on_commit_callbacks)
    assert build.status == BuildStatus.FAILED
    assert "unexpected error" in build.error


def test_a_broker_that_is_down_fails_the_build_at_once(
    published: Published, pc_chair: Any, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks.run_build, "delay", lambda *args: None)
    build = built(BuildKind.BOOKLET, published.edition, pc_chair, django_capture_on_commit_callbacks)
    assert build.status == BuildStatus.FAILED
    assert build.error == services.QUEUE_DOWN
    services.build_request(edition=published.edition, kind=BuildKind.BOOKLET, by=pc_chair)  # may ask again


def quick_writer(version: Any, out: Any, progress: Any) -> None:
    for step in range(1, 40):
        progress(step, 41)
    out.write(b"%PDF-1.7 quick")
    progress(40, 41)


def test_a_build_whose_worker_was_lost_is_made_again_a_running_one_is_not(
    published: Published, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    monkeypatch.setitem(services.WRITERS, BuildKind.BOOKLET, quick_writer)
    version, edition = published.version, published.edition
    lost = Build.objects.create(edition=edition, version=version, kind=BuildKind.BOOKLET, status=BuildStatus.RUNNING)
    running = Build.objects.create(edition=edition, version=version, kind=BuildKind.BOOKLET, status=BuildStatus.RUNNING)
    Build.objects.filter(pk=lost.pk).update(started_at=timezone.now() - services.STALE_AFTER - timedelta(minutes=1))
    Build.objects.filter(pk=running.pk).update(started_at=timezone.now())
    assert services.build_run(build_id=running.pk) is None
    made = services.build_run(build_id=lost.pk)
    assert made is not None
    assert made.status == BuildStatus.DONE
    assert (made.steps_done, made.steps_total) == (41, 41)
    assert content_of(made) == b"%PDF-1.7 quick"


def test_progress_is_saved_every_few_steps_not_at_each(
    published: Published, monkeypatch: pytest.MonkeyPatch, django_assert_max_num_queries: Any
) -> None:
    build = Build.objects.create(edition=published.edition, version=published.version, kind=BuildKind.BOOKLET)
    counter = services.StepCounter(build)
    with django_assert_max_num_queries(22):  # at most every 5% (and the last steps)
        for step in range(1, 302):  # the saving, the 302nd step, is the job's own
            counter(step, 302)
    build.refresh_from_db()
    assert (build.steps_done, build.steps_total) == (301, 302)


def test_the_proceedings_reuse_the_front_matters_length_to_render_it_once(
    published: Published, pc_chair: Any, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import weasyprint

    renderings: list[int] = []
    original = weasyprint.HTML.render

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        renderings.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", counted)
    built(BuildKind.FRONT_MATTER, published.edition, pc_chair, django_capture_on_commit_callbacks)
    assert len(renderings) == 2
    renderings.clear()
    build = built(BuildKind.PROCEEDINGS, published.edition, pc_chair, django_capture_on_commit_callbacks)
    assert build.status == BuildStatus.DONE
    assert len(renderings) == 1
