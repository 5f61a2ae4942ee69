"""submissions.conflict_detection: conflicts found from e-mail domains, affiliations and
authorship, on plain values."""

from __future__ import annotations

import pytest

from submissions.conflict_detection import (
    AuthorFacts,
    FoundConflict,
    MemberFacts,
    email_domain,
    find_conflicts,
    normalise_affiliation,
    same_institution_domain,
)


def member(user_id: int, *emails: str, domains: tuple[str, ...] = (), affiliation: str = "") -> MemberFacts:
    return MemberFacts(
        user_id=user_id,
        emails=frozenset(emails),
        institutional_domains=frozenset(domains),
        affiliation=affiliation,
    )


def found(authors: list[AuthorFacts], members: list[MemberFacts]) -> list[FoundConflict]:
    return list(find_conflicts(authors, members))


@pytest.mark.parametrize(
    ("email", "domain"),
    [("ada@CS.Stanford.EDU", "cs.stanford.edu"), ("a@b@c.org", "c.org"), ("no-at-sign", ""), ("", "")],
)
def test_email_domain(email: str, domain: str) -> None:
    assert email_domain(email) == domain


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("stanford.edu", "stanford.edu", True),
        ("cs.stanford.edu", "stanford.edu", True),
        ("stanford.edu", "ee.stanford.edu", True),
        # Siblings are not matched: telling "stanford.edu" from "ac.uk" needs the public suffix list.
        ("cs.stanford.edu", "ee.stanford.edu", False),
        ("notstanford.edu", "stanford.edu", False),
        ("stanford.edu.evil.com", "stanford.edu", False),
        ("gmail.com", "gmail.com", False),
        ("outlook.com", "outlook.com", False),
        ("qq.com", "qq.com", False),
        ("", "", False),
        ("ethz.ch", "", False),
    ],
)
def test_same_institution_domain(a: str, b: str, same: bool) -> None:
    assert same_institution_domain(a, b) is same
    assert same_institution_domain(b, a) is same


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("The University of Tokyo", "university of tokyo"),
        ("  ETH   Zürich ", "eth zurich"),
        ("Carnegie-Mellon Univ.", "carnegie mellon univ"),
        ("", ""),
    ],
)
def test_normalise_affiliation(text: str, normal: str) -> None:
    assert normalise_affiliation(text) == normal


def test_a_pc_member_listed_as_author_is_an_author_conflict() -> None:
    authors = [AuthorFacts("Ada", "ada@gmail.com"), AuthorFacts("Grace", "GRACE@navy.example.mil".lower())]
    result = found(authors, [member(7, "grace@navy.example.mil", domains=("navy.example.mil",))])
    assert result == [FoundConflict(7, "author", "Listed as an author")]


def test_author_conflict_uses_every_verified_address_of_the_member() -> None:
    authors = [AuthorFacts("Ada", "ada@home.example.net")]
    result = found(authors, [member(3, "ada@work.example.edu", "ada@home.example.net")])
    assert [c.reason for c in result] == ["author"]


def test_author_address_in_another_case_is_still_the_author() -> None:
    result = found([AuthorFacts("Ada", "Ada@Uni.example.edu")], [member(3, "ada@uni.example.edu")])
    assert [c.reason for c in result] == ["author"]


def test_same_domain_and_subdomain_are_conflicts() -> None:
    authors = [AuthorFacts("Ada", "ada@cs.stanford.edu")]
    members = [
        member(1, "bob@stanford.edu"),
        member(2, "carol@stanford.edu.example.com"),
        member(3, "dan@mit.edu"),
    ]
    result = found(authors, members)
    assert [(c.user_id, c.reason) for c in result] == [(1, "domain")]
    assert result[0].detail == "cs.stanford.edu ~ stanford.edu"


def test_institutional_domains_of_the_profile_count() -> None:
    """A PC member writing from gmail who declared their institution's domain."""
    result = found([AuthorFacts("Ada", "ada@cs.cmu.edu")], [member(4, "pc@gmail.com", domains=("cmu.edu",))])
    assert [(c.user_id, c.reason) for c in result] == [(4, "domain")]


@pytest.mark.parametrize(
    "domain", ["gmail.com", "googlemail.com", "hotmail.com", "yahoo.com", "proton.me", "qq.com", "example.org"]
)
def test_public_mail_domains_are_no_conflict(domain: str) -> None:
    authors = [AuthorFacts("Ada", f"ada@{domain}")]
    assert found(authors, [member(5, f"someone@{domain}")]) == []


def test_same_affiliation_is_a_conflict() -> None:
    authors = [AuthorFacts("Ada", "ada@gmail.com", "The University of Tokyo")]
    result = found(authors, [member(6, "pc@yahoo.com", affiliation="University of  Tokyo")])
    assert result == [FoundConflict(6, "affiliation", "University of  Tokyo")]


@pytest.mark.parametrize(
    "affiliation", ["", "None", "Independent", "independent researcher", "N/A", "n.a.", "Student", "  -  "]
)
def test_generic_affiliations_are_no_conflict(affiliation: str) -> None:
    authors = [AuthorFacts("Ada", "ada@gmail.com", affiliation)]
    assert found(authors, [member(6, "pc@yahoo.com", affiliation=affiliation)]) == []


def test_different_affiliations_and_domains_are_no_conflict() -> None:
    authors = [AuthorFacts("Ada", "ada@ethz.ch", "ETH Zurich"), AuthorFacts("Bo", "bo@epfl.ch", "EPFL")]
    assert found(authors, [member(8, "pc@mit.edu", affiliation="MIT")]) == []


def test_one_conflict_per_member_authorship_first() -> None:
    """A member who is an author, at the same domain and affiliation, is one 'author' conflict."""
    authors = [AuthorFacts("Ada", "ada@mit.edu", "MIT"), AuthorFacts("Bo", "bo@mit.edu", "MIT")]
    result = found(authors, [member(9, "bo@mit.edu", affiliation="MIT")])
    assert [c.reason for c in result] == ["author"]


def test_domain_before_affiliation() -> None:
    authors = [AuthorFacts("Ada", "ada@mit.edu", "MIT")]
    result = found(authors, [member(9, "pc@mit.edu", affiliation="MIT")])
    assert [c.reason for c in result] == ["domain"]


def test_any_author_can_cause_the_conflict() -> None:
    authors = [AuthorFacts("Ada", "ada@gmail.com"), AuthorFacts("Bo", "bo@lab.example.edu", "Example Lab")]
    members = [member(1, "x@example.edu"), member(2, "y@gmail.com", affiliation="Example Lab"), member(3, "z@a.edu")]
    assert [(c.user_id, c.reason) for c in found(authors, members)] == [(1, "domain"), (2, "affiliation")]


def test_no_authors_or_members_no_conflicts() -> None:
    assert found([], [member(1, "x@mit.edu")]) == []
    assert found([AuthorFacts("Ada", "ada@mit.edu")], []) == []
