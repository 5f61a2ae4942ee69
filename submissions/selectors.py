"""Read queries about submissions."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any, TypedDict

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Lower

from conferences.access import Facts, access_for, access_of
from conferences.models import Edition
from submissions.models import Author, AuthorMailOptOut, Conflict, FileKind, Submission, SubmissionFile

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class PaperWarnings(TypedDict):
    """What :func:`with_current_paper_warnings` adds to each submission."""

    paper_warnings: int | None
    has_paper: bool


def verified_emails_of(user: Any) -> set[str]:
    """Every verified address of ``user`` (allauth keeps them), lower-cased."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {e.lower() for e in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)}


def authorship_facts(user: Any, edition: Edition) -> Facts:
    """The papers of ``edition`` the user wrote, for the Access object (one query): listed by
    account or by one of their verified addresses, in any case."""
    verified = EmailAddress.objects.filter(user=user, verified=True).values(lower_email=Lower("email"))
    authored = (
        Author.objects.filter(submission__edition=edition)
        .alias(lower_email=Lower("email"))
        .filter(Q(user=user) | Q(lower_email__in=verified))
        .values_list("submission_id", flat=True)
    )
    return {"authored": frozenset(authored)}


def conflict_facts(user: Any, edition: Edition) -> Facts:
    """The papers of ``edition`` the user is conflicted with, for the Access object (one query),
    and those of the conflicts they may be shown."""
    conflicts = Conflict.objects.filter(user=user, submission__edition=edition)
    rows = list(conflicts.values_list("submission_id", "hidden_from_member"))
    return {
        "conflicted": frozenset(paper for paper, _ in rows),
        "conflicted_visible": frozenset(paper for paper, hidden in rows if not hidden),
    }


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
            "author_disputes",
            "author_notices",
            Prefetch("files", queryset=accepted_papers, to_attr="accepted_papers"),
        )
        .order_by("edition", "number")
    )


def _related(submission: Submission, name: str) -> list[Any]:
    """``submission.<name>.all()``, from the prefetch of :func:`with_details` when there is one."""
    prefetched = getattr(submission, "_prefetched_objects_cache", {}).get(name)
    return list(prefetched if prefetched is not None else getattr(submission, name).all())


def disputed_emails(submission: Submission) -> set[str]:
    """Addresses whose owner reported "I am not an author" of ``submission``: never mailed about it."""
    return {d.email for d in _related(submission, "author_disputes")}


def opted_out(emails: Collection[str]) -> set[str]:
    """Of ``emails``, those that asked for no co-author notices and have no verified account."""
    asked = set(AuthorMailOptOut.objects.filter(email__in=emails).values_list("email", flat=True))
    if not asked:
        return set()
    claimed = EmailAddress.objects.filter(email__in=asked, verified=True).values_list("email", flat=True)
    return asked - {e.lower() for e in claimed}


def authors_not_mailed(submission: Submission) -> list[str]:
    """Listed co-authors whose notice was held back (the account that listed them had reached
    its limit of new addresses) and who have not been mailed about the paper since."""
    notices = _related(submission, "author_notices")
    mailed = {n.email for n in notices if n.mailed}
    held = {n.email for n in notices if not n.mailed} - mailed - disputed_emails(submission)
    return [a.email for a in _related(submission, "authors") if a.email in held]


def current_paper(submission: Submission) -> SubmissionFile | None:
    """The latest accepted paper PDF: the version that counts."""
    prefetched = getattr(submission, "accepted_papers", None)
    if prefetched is not None:
        return prefetched[0] if prefetched else None
    return submission.files.filter(kind=FileKind.PAPER, is_accepted=True).order_by("-uploaded_at").first()


def version_for_key(submission: Submission, user: Any, key: str) -> SubmissionFile | None:
    """The version ``user`` uploaded to ``submission`` with the idempotency ``key``, if any."""
    if not key or not getattr(user, "pk", None):
        return None
    return SubmissionFile.objects.filter(submission=submission, uploaded_by=user, idempotency_key=key).first()


def is_author(user: Any, submission: Submission) -> bool:
    """Whether ``user`` (a user or their Access) wrote ``submission``, from their Access."""
    return access_of(user, submission.edition).is_author(submission)


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
    if status:
        qs = qs.filter(state=status)
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
    qs = Submission.objects.filter(edition=edition)
    active = qs.active()
    return {
        "registered": qs.count(),
        "with_paper": active.submitted().count(),
        "abstract_only": active.abstract_only().count(),
        "withdrawn": qs.withdrawn().count(),
        "desk_rejected": qs.desk_rejected().count(),
        "with_warnings": with_current_paper_warnings(active).filter(paper_warnings__gt=0).count(),
        "systems": active.filter(topic="systems").count(),
        "ml": active.filter(topic="ml").count(),
        "both": active.filter(topic="both").count(),
    }


def papers_without_pdf_count(edition: Edition) -> int:
    """Active submissions of ``edition`` with an abstract but no paper yet (the chairs' to-do list)."""
    return Submission.objects.filter(edition=edition).active().abstract_only().count()


# --- Conflicts -------------------------------------------------------------------------------


def conflicts_shown_to_member(user: Any, edition: Edition) -> QuerySet[Conflict]:
    """The member's own conflicts as they may see them: without the ones found after their own
    change of profile or addresses (which still count for assignment)."""
    return Conflict.objects.filter(user=user, submission__edition=edition, hidden_from_member=False)


def conflicted_paper_ids(user: Any, edition: Edition) -> frozenset[int]:
    """Every paper of ``edition`` ``user`` is conflicted with, whatever the source (for chairs:
    the papers whose reviewers, bids and affinities they must not see)."""
    return access_for(user, edition).conflicted
