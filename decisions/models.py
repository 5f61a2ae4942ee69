"""Decision categories per edition, each paper's decision (pending until the chairs release
decisions), tags and the discussion order of the PC meeting.

A decision moves the paper's state (accepted or rejected) through
:func:`submissions.states.transition`; whether authors and reviewers see it is the paper's
``decision_released_at`` (set for every decided paper when the chairs release decisions), read
by :func:`submissions.states.status_for`. Desk rejections and withdrawals are submission
states of their own, not decisions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from conferences.models import Edition
from submissions.models import Submission, SubmissionState


class Outcome(models.TextChoices):
    ACCEPT = "accept", "Accept"
    REJECT = "reject", "Reject"

    @property
    def state(self) -> SubmissionState:
        """The submission state a decision of this outcome puts the paper in."""
        return SubmissionState.ACCEPTED if self is Outcome.ACCEPT else SubmissionState.REJECTED


class DecisionCategory(models.Model):
    """One kind of decision of an edition: "Accept (oral)", "Accept (poster)", "Reject"."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="decision_categories")
    name = models.CharField(max_length=100)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("edition", "position", "pk")
        verbose_name_plural = "decision categories"
        constraints = [models.UniqueConstraint(fields=("edition", "name"), name="one_decision_category_per_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_accept(self) -> bool:
        return self.outcome == Outcome.ACCEPT


class Decision(models.Model):
    """The chairs' decision on one paper. Pending (shown to nobody but the managing chairs)
    until the chairs release decisions."""

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="decision")
    category = models.ForeignKey(DecisionCategory, on_delete=models.PROTECT, related_name="decisions")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField()
    note = models.TextField(blank=True, help_text="For the chairs only.")

    def __str__(self) -> str:
        return f"#{self.submission.number}: {self.category.name}"

    @property
    def is_pending(self) -> bool:
        from submissions.states import decision_is_shown

        return not decision_is_shown(self.submission)


class Tag(models.Model):
    """A chairs' label for papers (for the PC meeting: "discuss", "borderline", ...)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="paper_tags")
    name = models.CharField(max_length=40)

    class Meta:
        ordering = ("edition", "name")
        constraints = [models.UniqueConstraint(fields=("edition", "name"), name="one_tag_per_name")]

    def __str__(self) -> str:
        return self.name


class PaperTag(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="papers")

    class Meta:
        constraints = [models.UniqueConstraint(fields=("submission", "tag"), name="one_paper_tag")]

    def __str__(self) -> str:
        return f"#{self.submission.number}: {self.tag.name}"


class DiscussionPosition(models.Model):
    """Where a paper comes in the PC meeting's discussion order (1 first)."""

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="discussion_position")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ("position",)

    def __str__(self) -> str:
        return f"#{self.submission.number} at {self.position}"


class Meeting(models.Model):
    """The PC meeting of an edition, live: the paper under discussion, moved by the chairs.
    At most one meeting of an edition is open (not ended) at a time; ``version`` grows with
    every change, for the pages that poll it."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="meetings")
    current = models.ForeignKey(Submission, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ("edition", "-started_at")
        constraints = [
            models.UniqueConstraint(
                fields=("edition",), condition=models.Q(ended_at__isnull=True), name="one_open_meeting_per_edition"
            )
        ]

    def __str__(self) -> str:
        return f"PC meeting of {self.edition} from {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None
