"""Conflicts of interest found automatically, from e-mail domains and affiliations.

Pure functions over plain values: the service feeds them the authors of a submission and the
committee of its edition, and stores what they find.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# Addresses at these domains say nothing about an institution.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.ru",
        "yandex.ru",
        "qq.com",
        "163.com",
        "126.com",
        "foxmail.com",
        "naver.com",
        "fastmail.com",
        "hey.com",
        "zoho.com",
        "example.com",  # the domains reserved for examples (RFC 2606) are no one's institution
        "example.net",
        "example.org",
        "users.noreply.github.com",
    }
)
# Compared after normalise_affiliation(), which turns "N/A" into "n a".
GENERIC_AFFILIATIONS = frozenset({"", "none", "independent", "independent researcher", "n a", "na", "self", "student"})


@dataclass(frozen=True)
class AuthorFacts:
    name: str
    email: str
    affiliation: str = ""


@dataclass(frozen=True)
class MemberFacts:
    user_id: int
    emails: frozenset[str]
    institutional_domains: frozenset[str] = frozenset()
    affiliation: str = ""


@dataclass(frozen=True)
class FoundConflict:
    user_id: int
    reason: str  # a ConflictReason value
    detail: str


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if "@" in email else ""


def same_institution_domain(a: str, b: str) -> bool:
    """cs.stanford.edu and stanford.edu are the same institution; public mail is no one's."""
    if not a or not b or a in PUBLIC_MAIL_DOMAINS or b in PUBLIC_MAIL_DOMAINS:
        return False
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def normalise_affiliation(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    text = re.sub(r"\bthe\b", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def find_conflicts(authors: Iterable[AuthorFacts], members: Iterable[MemberFacts]) -> Iterator[FoundConflict]:
    """At most one conflict per member: authorship first, then domain, then affiliation."""
    authors = list(authors)
    author_emails = {a.email.lower() for a in authors}
    author_domains = {email_domain(a.email) for a in authors} - {""}
    author_affiliations = {normalise_affiliation(a.affiliation) for a in authors} - GENERIC_AFFILIATIONS
    for member in members:
        if member.emails & author_emails:
            yield FoundConflict(member.user_id, "author", "Listed as an author")
            continue
        member_domains = {email_domain(e) for e in member.emails} | set(member.institutional_domains)
        shared = sorted(f"{a} ~ {m}" for a in author_domains for m in member_domains if same_institution_domain(a, m))
        if shared:
            yield FoundConflict(member.user_id, "domain", shared[0])
            continue
        affiliation = normalise_affiliation(member.affiliation)
        if affiliation not in GENERIC_AFFILIATIONS and affiliation in author_affiliations:
            yield FoundConflict(member.user_id, "affiliation", member.affiliation)
