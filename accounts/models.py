"""People: an account per person, with the profile that conflicts and affinity use later,
and the personal API tokens that let scripts act for it."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django_countries.fields import CountryField

from conferences.models import Topic
from mlsys_conf.limits import INSTITUTIONAL_DOMAINS_MAX, PROFILE_KEYWORDS_MAX, PUBLICATIONS_MAX

orcid_validator = RegexValidator(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$", "An ORCID iD looks like 0000-0002-1825-0097.")
DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractUser):
    """An account. The e-mail address is the login; other addresses live in allauth's
    ``EmailAddress`` rows (all verified ones count for authorship and conflicts)."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)

    affiliation = models.CharField(max_length=300, blank=True)
    country = CountryField(blank=True)
    institutional_domains = models.TextField(
        blank=True,
        max_length=INSTITUTIONAL_DOMAINS_MAX,
        validators=[MaxLengthValidator(INSTITUTIONAL_DOMAINS_MAX)],
        help_text="E-mail domains of your institutions, one per line (e.g. cs.example.edu). "
        "Used to find conflicts of interest.",
    )
    orcid = models.CharField("ORCID iD", max_length=19, blank=True, validators=[orcid_validator])
    dblp_url = models.URLField("DBLP page", blank=True)
    semantic_scholar_url = models.URLField("Semantic Scholar page", blank=True)
    homepage = models.URLField("web page", blank=True)
    expertise = models.CharField(max_length=10, choices=Topic.choices, blank=True)
    keywords = models.TextField(
        blank=True,
        max_length=PROFILE_KEYWORDS_MAX,
        validators=[MaxLengthValidator(PROFILE_KEYWORDS_MAX)],
        help_text="Research keywords, separated by commas.",
    )
    publications = models.TextField(
        blank=True,
        max_length=PUBLICATIONS_MAX,
        validators=[MaxLengthValidator(PUBLICATIONS_MAX)],
        help_text="Your own recent publications: for each, its title on one line and its abstract "
        "below; separate publications by an empty line. Used to suggest papers to review.",
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]  # not the username-based one

    class Meta:
        ordering = ("last_name", "first_name", "email")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()
        bad = [d for d in self.domain_list if not DOMAIN_RE.match(d)]
        if bad:
            raise ValidationError({"institutional_domains": f"Not a domain name: {', '.join(bad)}"})

    @property
    def domain_list(self) -> list[str]:
        return [d.lower().lstrip("@") for d in split_lines(self.institutional_domains)]

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]

    @property
    def publication_list(self) -> list[str]:
        return [block.strip() for block in re.split(r"\n\s*\n", self.publications) if block.strip()]


class ApiToken(models.Model):
    """A personal key for API clients (scripts, CI). Only the SHA-256 of the secret is kept:
    the secret is shown once, when it is made; ``prefix`` (its first characters) tells
    tokens apart in lists. Revoking deletes the row."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “CI upload script”.")
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
