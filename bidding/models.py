"""PC members' bids on papers, and the affinity of every (paper, PC member) pair."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from submissions.models import Submission


class BidLevel(models.IntegerChoices):
    """OpenReview-style levels. No row means no bid (neutral); a conflict is not a bid but a
    :class:`submissions.models.Conflict` declared by the PC member."""

    VERY_HIGH = 2, "Very high"
    HIGH = 1, "High"
    NEUTRAL = 0, "Neutral"
    LOW = -1, "Low"
    VERY_LOW = -2, "Very low"


class Bid(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="bids")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bids")
    level = models.SmallIntegerField(choices=BidLevel.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("submission", "user"), name="one_bid_per_pair")]
        indexes = [models.Index(fields=("user", "level"))]

    def __str__(self) -> str:
        return f"{self.user} on #{self.submission.number}: {self.get_level_display()}"


class Affinity(models.Model):
    """How well a PC member's expertise matches a paper, in [0, 1], with the terms that matched
    most (shown to chairs to explain the score)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="affinities")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="affinities")
    score = models.FloatField()
    top_terms = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "affinities"
        constraints = [models.UniqueConstraint(fields=("submission", "user"), name="one_affinity_per_pair")]
        indexes = [models.Index(fields=("user", "-score"))]

    def __str__(self) -> str:
        return f"{self.user} x #{self.submission.number}: {self.score:.3f}"
