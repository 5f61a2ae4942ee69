"""Read queries about submissions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from conferences.models import Edition
from submissions.models import FileKind, Submission, SubmissionFile

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class PaperWarnings(TypedDict):
    """What :func:`with_current_paper_warnings` adds to each submission."""

    paper_warnings: int | None
    has_paper: bool


def verified_emails_of(user: Any) -> set[str]:
    """Every verified address of ``user`` (allauth keeps them), lower-cased, cached."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if "_mlsys_emails" not in user.__dict__:
        from allauth.account.models import EmailAddress

        emails = {
            e.lower() for e in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
        }
        user.__dict__["_mlsys_emails"] = emails
    return set(user.__dict__["_mlsys_emails"])


def authored_by(user: Any) -> Q:
    return Q(authors__user=user) | Q(authors__email__in=verified_emails_of(user))


def submissions_of_author(user: Any, edition: Edition | None = None) -> QuerySet[Submission]:
    if not getattr(user, "is_authenticated", False):
        return Submission.objects.none()
    qs = Submission.objects.filter(authored_by(user))
    if edition is not None:
        qs = qs.filter(edition=edition)
    return with_details(qs.distinct())


def submissions_of_edition(edition: Edition) -> QuerySet[Submission]:
    return with_details(Submission.objects.filter(edition=edition))


def with_details(qs: QuerySet[Submission]) -> QuerySet[Submission]:
    accepted_papers = SubmissionFile.objects.filter(kind=FileKind.PAPER, is_accepted=True).order_by("-uploaded_at")
    return (
        qs.select_related("edition")
        .prefetch_related(
            "authors",
            Prefetch("files", queryset=accepted_papers, to_attr="accepted_papers"),
        )
        .order_by("edition", "number")
    )


def current_paper(submission: Submission) -> SubmissionFile | None:
    """The latest accepted paper PDF: the version that counts."""
    prefetched = getattr(submission, "accepted_papers", None)
    if prefetched is not None:
        return prefetched[0] if prefetched else None
    return submission.files.filter(kind=FileKind.PAPER, is_accepted=True).order_by("-uploaded_at").first()


def is_author(user: Any, submission: Submission) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    emails = verified_emails_of(user)
    return any(a.user_id == user.pk or a.email.lower() in emails for a in submission.authors.all())


def with_current_paper_warnings(qs: QuerySet[Submission]) -> QuerySet[WithAnnotations[Submission, PaperWarnings]]:
    latest = SubmissionFile.objects.filter(submission=OuterRef("pk"), kind=FileKind.PAPER, is_accepted=True).order_by(
        "-uploaded_at"
    )
    return qs.annotate(
        paper_warnings=Subquery(latest.values("warning_count")[:1]),
        has_paper=Exists(latest),
    )


def filtered_submissions(
    edition: Edition, *, q: str = "", topic: str = "", status: str = "", warnings: bool = False
) -> QuerySet[Submission]:
    """The chairs' list, with the filters of its form."""
    qs = with_current_paper_warnings(submissions_of_edition(edition))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(keywords__icontains=q) | Q(authors__name__icontains=q)).distinct()
    if topic:
        qs = qs.filter(topic=topic)
    if status == "withdrawn":
        qs = qs.filter(withdrawn_at__isnull=False)
    elif status == "submitted":
        qs = qs.filter(withdrawn_at__isnull=True, has_paper=True)
    elif status == "abstract":
        qs = qs.filter(withdrawn_at__isnull=True, has_paper=False)
    if warnings:
        qs = qs.filter(paper_warnings__gt=0)
    return qs


def latest_version(submission: Submission, kind: FileKind) -> SubmissionFile | None:
    """The newest upload of ``kind``, accepted or not: what the author just tried."""
    return submission.files.filter(kind=kind).order_by("-uploaded_at").first()


def current_supplementary(submission: Submission) -> SubmissionFile | None:
    return submission.files.filter(kind=FileKind.SUPPLEMENTARY, is_accepted=True).order_by("-uploaded_at").first()


def submission_counts(edition: Edition) -> dict[str, int]:
    """What the chairs are told when a submission deadline passes."""
    qs = with_current_paper_warnings(Submission.objects.filter(edition=edition))
    active = qs.filter(withdrawn_at__isnull=True)
    return {
        "registered": qs.count(),
        "with_paper": active.filter(has_paper=True).count(),
        "abstract_only": active.filter(has_paper=False).count(),
        "withdrawn": qs.filter(withdrawn_at__isnull=False).count(),
        "with_warnings": active.filter(paper_warnings__gt=0).count(),
        "systems": active.filter(topic="systems").count(),
        "ml": active.filter(topic="ml").count(),
        "both": active.filter(topic="both").count(),
    }
