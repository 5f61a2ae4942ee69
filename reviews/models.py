"""Joint review: the edition's review forms, reviews (with their history and ratings), the
discussion of each paper, the authors' response, and the visibility settings chairs choose.

Answers are stored by field key (``Review.answers``), never by field row, so changing a form
after reviews exist loses nothing: a field with answers is retired instead of deleted.
Who may see what is :mod:`reviews.visibility`; what changes a row is :mod:`reviews.services`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from conferences.models import Area, Edition
from submissions.models import Submission

User = settings.AUTH_USER_MODEL


class PCSeesReviews(models.TextChoices):
    """When a PC member sees the other reviews of a paper they may see (HotCRP's
    "PC can see all reviews" and OpenReview's "after own review")."""

    AFTER_OWN = "after_own", "After submitting their own review of the paper"
    AFTER_ALL = "after_all", "After all assigned reviews of the paper are in"
    ALWAYS = "always", "Always (unassigned PC members too)"
    NEVER = "never", "Never (only chairs and meta-reviewers)"


class PCSeesNames(models.TextChoices):
    """When a PC member sees who wrote the other reviews of a paper."""

    AFTER_OWN = "after_own", "After submitting their own review of the paper"
    ALWAYS = "always", "Always"
    NEVER = "never", "Never: reviewers are known to each other as Reviewer A, B, ..."


class ReviewSettings(models.Model):
    """The edition's review rules. Missing means the defaults (:meth:`of`)."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="review_settings")
    pc_sees_reviews = models.CharField(max_length=12, choices=PCSeesReviews.choices, default=PCSeesReviews.AFTER_OWN)
    pc_sees_names = models.CharField(max_length=12, choices=PCSeesNames.choices, default=PCSeesNames.AFTER_OWN)
    response_per_review = models.BooleanField(
        default=False, help_text="One response per review instead of one per paper."
    )
    response_word_limit = models.PositiveIntegerField(
        default=750, validators=[MinValueValidator(50), MaxValueValidator(10_000)]
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        default=3,
        validators=[MaxValueValidator(60)],
        help_text="Remind reviewers with missing reviews this many days before the deadline, then daily after it.",
    )

    class Meta:
        verbose_name_plural = "review settings"

    def __str__(self) -> str:
        return f"review settings of {self.edition.slug}"

    @classmethod
    def of(cls, edition: Edition) -> ReviewSettings:
        """The edition's settings (the defaults, unsaved, until a chair changes one), read afresh:
        never from a cache on the edition that may predate a chair's change."""
        return cls.objects.filter(edition=edition).first() or cls(edition=edition)


class FormKind(models.TextChoices):
    REVIEW = "review", "Review"
    META = "meta", "Meta-review"


class FieldType(models.TextChoices):
    SCORE = "score", "Score (labelled levels)"
    TEXT = "text", "Text"
    CHOICE = "choice", "Choice"
    CHECKBOX = "checkbox", "Checkbox"


class FieldAudience(models.TextChoices):
    AUTHORS = "authors", "Authors and PC"
    PC = "pc", "PC only"


class ReviewForm(models.Model):
    """An edition's form for reviews or for meta-reviews; its fields are :class:`ReviewField`."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="review_forms")
    kind = models.CharField(max_length=8, choices=FormKind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("edition", "kind"), name="one_form_per_kind")]

    def __str__(self) -> str:
        return f"{FormKind(self.kind).label} form of {self.edition.slug}"


class ReviewField(models.Model):
    """One question of a form. ``levels`` holds ``[[value, label], ...]`` for scores and choices
    (a score's values are integers, in ascending order of merit)."""

    form = models.ForeignKey(ReviewForm, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(max_length=40, help_text="Where answers are kept; never changes.")
    label = models.CharField(max_length=200)
    help_text = models.CharField(max_length=500, blank=True)
    type = models.CharField(max_length=10, choices=FieldType.choices)
    levels = models.JSONField(default=list, blank=True)
    min_words = models.PositiveIntegerField(default=0)
    max_words = models.PositiveIntegerField(null=True, blank=True)
    required = models.BooleanField(default=True)
    audience = models.CharField(max_length=8, choices=FieldAudience.choices, default=FieldAudience.AUTHORS)
    position = models.PositiveSmallIntegerField(default=0)
    retired = models.BooleanField(default=False, help_text="No longer asked; answers given are kept.")

    class Meta:
        ordering = ("position", "pk")
        constraints = [models.UniqueConstraint(fields=("form", "key"), name="one_field_per_key")]

    def __str__(self) -> str:
        return self.label

    @property
    def level_labels(self) -> dict[Any, str]:
        return dict(self.levels)

    @property
    def is_for_authors(self) -> bool:
        return self.audience == FieldAudience.AUTHORS


class ReviewRound(models.Model):
    """A round of reviewing (R1, R2) with its own deadline. Without an explicit deadline the
    round closes with the edition's reviewing phase."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="review_rounds")
    name = models.CharField(max_length=20)
    position = models.PositiveSmallIntegerField(default=1)
    closes_at = models.DateTimeField(null=True, blank=True, help_text="Stored in UTC.")

    class Meta:
        ordering = ("position", "pk")
        constraints = [models.UniqueConstraint(fields=("edition", "name"), name="one_round_per_name")]

    def __str__(self) -> str:
        return self.name


class ReviewKind(models.TextChoices):
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    EXTERNAL = "external", "External"
    META = "meta", "Meta-review"


class ReviewState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class Review(models.Model):
    """One reviewer's review (or meta-review) of one paper in one round. ``answers`` maps field
    keys to values; ``version`` counts submissions (each kept as a :class:`ReviewVersion`)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=10, choices=ReviewKind.choices, default=ReviewKind.PRIMARY)
    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="reviews")
    area = models.CharField(
        max_length=10, choices=Area.choices, blank=True, help_text="The reviewer's half of the PC when assigned."
    )
    state = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT)
    answers = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=0, help_text="How many times it has been submitted.")
    requested_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who asked for it (external).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, help_text="First submission.")
    last_submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("submission", "pk")
        constraints = [
            models.UniqueConstraint(fields=("submission", "reviewer", "round", "kind"), name="one_review_per_round")
        ]
        indexes = [models.Index(fields=("reviewer", "state")), models.Index(fields=("submission", "state"))]

    def __str__(self) -> str:
        return f"{ReviewKind(self.kind).label} review of #{self.submission.number} by {self.reviewer}"

    @property
    def is_submitted(self) -> bool:
        return self.state == ReviewState.SUBMITTED

    @property
    def is_meta(self) -> bool:
        return self.kind == ReviewKind.META

    @property
    def form_kind(self) -> FormKind:
        return FormKind.META if self.is_meta else FormKind.REVIEW


class ReviewVersion(models.Model):
    """What a review said each time it was submitted (edits after submission are history)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    answers = models.JSONField()
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ("review", "version")
        constraints = [models.UniqueConstraint(fields=("review", "version"), name="one_row_per_review_version")]

    def __str__(self) -> str:
        return f"version {self.version} of {self.review}"


class Rating(models.TextChoices):
    HELPFUL = "helpful", "Helpful"
    TOO_SHORT = "too_short", "Too short"
    VAGUE = "vague", "Vague"
    DISRESPECTFUL = "disrespectful", "Disrespectful"
    WRONG = "wrong", "Wrong"


class ReviewRating(models.Model):
    """A chair's or co-reviewer's rating of a review (never shown to authors)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    rating = models.CharField(max_length=14, choices=Rating.choices)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("review", "rater"), name="one_rating_per_rater")]

    def __str__(self) -> str:
        return f"{self.rating} for {self.review}"


class CommentAudience(models.TextChoices):
    """Who may read a comment, narrowest first. Conflicted PC members never may."""

    CHAIRS = "chairs", "Chairs only"
    REVIEWERS = "reviewers", "The paper's reviewers"
    PC = "pc", "PC members who may see the reviews"
    AUTHORS = "authors", "Authors too"


class Comment(models.Model):
    """One message of a paper's discussion, in Markdown with LaTeX math."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="review_comments")
    by_authors = models.BooleanField(default=False, help_text="Written by one of the paper's authors.")
    audience = models.CharField(max_length=10, choices=CommentAudience.choices, default=CommentAudience.REVIEWERS)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("submission", "created_at", "pk")
        indexes = [models.Index(fields=("submission", "created_at"))]

    def __str__(self) -> str:
        return f"comment {self.pk} on #{self.submission.number}"


class CommentVersion(models.Model):
    """A comment's earlier text, kept when it is edited."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="versions")
    body = models.TextField()
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ("comment", "saved_at")

    def __str__(self) -> str:
        return f"earlier text of {self.comment}"


class ResponseState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class AuthorResponse(models.Model):
    """The authors' answer to the reviews: one per paper, or one per review (a setting)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="responses")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, null=True, blank=True, related_name="responses")
    body = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=ResponseState.choices, default=ResponseState.DRAFT)
    updated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("submission",), condition=models.Q(review__isnull=True), name="one_response_per_paper"
            ),
            models.UniqueConstraint(fields=("submission", "review"), name="one_response_per_review"),
        ]

    def __str__(self) -> str:
        return f"response to #{self.submission.number}"

    @property
    def is_submitted(self) -> bool:
        return self.state == ResponseState.SUBMITTED


class NotifyMode(models.TextChoices):
    EACH = "each", "One e-mail per event"
    DIGEST = "digest", "A daily digest"
    NONE = "none", "No e-mail (the site only)"


class NotificationPreference(models.Model):
    """How a person hears of new comments and review changes on the papers they follow."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="review_notification_preferences")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(max_length=8, choices=NotifyMode.choices, default=NotifyMode.EACH)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("user", "edition"), name="one_preference_per_edition")]

    def __str__(self) -> str:
        return f"{self.user}: {self.mode}"


class PaperFollow(models.Model):
    """Whether a person follows a paper's discussion (reviewers do by default; ``follows=False``
    records that they stopped)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="follows")
    follows = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("user", "submission"), name="one_follow_per_paper")]

    def __str__(self) -> str:
        return f"{self.user} {'follows' if self.follows else 'ignores'} #{self.submission.number}"


class ExternalStatus(models.TextChoices):
    REQUESTED = "requested", "Awaiting the chairs"
    APPROVED = "approved", "Approved: link sent"
    DECLINED = "declined", "Declined by the chairs"
    ACCEPTED = "accepted", "Accepted"
    TURNED_DOWN = "turned_down", "Turned down by the reviewer"
    WITHDRAWN = "withdrawn", "Withdrawn by the chairs"


class ExternalRequest(models.Model):
    """A request for an extra, external reviewer of one paper, by e-mail: made by a chair
    handling the paper (approved at once) or by one of its reviewers (the chairs approve). The
    approved person is mailed a link (the ``token`` is its credential, as a committee
    invitation's); accepting it from a signed-in account, unless that account is conflicted with
    the paper, makes them an external reviewer of this paper alone (:mod:`reviews.external`)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="external_requests")
    requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    reason = models.TextField(max_length=2000, blank=True, help_text="Why this person (for the chairs).")
    status = models.CharField(max_length=12, choices=ExternalStatus.choices, default=ExternalStatus.REQUESTED)
    token = models.CharField(max_length=64, unique=True)
    approved_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", help_text="The chair who decided."
    )
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="external_requests",
        help_text="Who answered the link.",
    )
    refusal = models.CharField(
        max_length=300, blank=True, help_text="Why the last attempt to accept was refused (a conflict of interest)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("submission", "created_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("submission", "email"),
                condition=models.Q(status__in=("requested", "approved", "accepted")),
                name="one_open_external_request_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"external review of #{self.submission.number} by {self.email} ({self.status})"

    @property
    def is_open(self) -> bool:
        """Still awaiting the chairs, or approved and not yet answered."""
        return self.status in (ExternalStatus.REQUESTED, ExternalStatus.APPROVED)
