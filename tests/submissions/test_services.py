"""Registering abstracts, editing them, storing paper versions, deadlines to the second,
extensions, and conflicts of interest: the business actions of submissions.services."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError

from conferences.models import Area, Deadline, Edition, Phase
from conferences.roles import RoleKind
from mlsys_conf.policy import PolicyDenied
from submissions.models import Author, Conflict, ConflictSource, FileKind, Submission, SubmissionFile
from submissions.selectors import current_paper, current_supplementary, submissions_of_edition
from submissions.services import (
    AuthorInput,
    SubmissionInput,
    conflict_declare_own,
    conflicts_refresh_edition,
    conflicts_set_declared,
    paper_upload,
    submission_register,
    submission_restore,
    submission_update,
    submission_withdraw,
    supplementary_upload,
)
from tests.factories.accounts import UserFactory
from tests.factories.committees import RoleFactory
from tests.factories.conferences import DeadlineFactory, EditionFactory
from tests.factories.pdfs import make_pdf
from tests.factories.submissions import AuthorFactory, SubmissionFactory
from tests.submissions import corpus
from tests.submissions.helpers import deadline_of, extend

pytestmark = pytest.mark.django_db


def register(edition: Edition, by: Any, title: str = "A Paper", **kwargs: Any) -> Submission:
    kwargs.setdefault("authors", [AuthorInput(by.display_name, by.email, "Example University", is_contact=True)])
    return submission_register(
        edition=edition,
        title=title,
        abstract="We make models fast.",
        topic="systems",
        by=by,
        **kwargs,
    )


def update(submission: Submission, by: Any, *, title: str = "New title", **kwargs: Any) -> Submission:
    return submission_update(
        submission=submission,
        data=SubmissionInput(title, "A new abstract.", "both", "compilers"),
        by=by,
        **kwargs,
    )


def conflicts_of(submission: Submission) -> dict[int, tuple[str, str]]:
    return {c.user_id: (c.reason, c.source) for c in Conflict.objects.filter(submission=submission)}


# --- submission_register -------------------------------------------------------------------


def test_papers_are_numbered_per_edition(edition: Edition, author: Any) -> None:
    numbers = [register(edition, author, title=f"Paper {i}").number for i in range(3)]
    assert numbers == [1, 2, 3]

    other = EditionFactory()
    DeadlineFactory(edition=other, phase=Phase.ABSTRACT_REGISTRATION)
    assert register(other, author).number == 1
    assert register(edition, author).number == 4


def test_numbering_continues_after_the_highest_number(edition: Edition, submission: Submission, author: Any) -> None:
    Submission.objects.filter(pk=submission.pk).update(number=7)
    assert register(edition, author).number == 8


def test_register_stores_the_ordered_authors(edition: Edition, author: Any) -> None:
    submission = register(
        edition,
        author,
        keywords="sparsity, kernels",
        authors=[
            AuthorInput("Ada Author", "Author@Example.org", "ETH Zurich", is_contact=True),
            AuthorInput("Bo Nobody", "bo@example.org"),
        ],
    )
    rows = list(submission.authors.order_by("position"))
    assert [(a.position, a.name, a.email, a.affiliation, a.is_contact) for a in rows] == [
        (1, "Ada Author", "author@example.org", "ETH Zurich", True),
        (2, "Bo Nobody", "bo@example.org", "", False),
    ]
    assert submission.created_by == author
    assert submission.keyword_list == ["sparsity", "kernels"]


def test_without_a_marked_contact_the_first_author_is_the_contact(edition: Edition, author: Any) -> None:
    submission = register(
        edition,
        author,
        authors=[AuthorInput("Second Listed", "b@example.org"), AuthorInput("Me", author.email)],
    )
    assert [(a.email, a.is_contact) for a in submission.authors.order_by("position")] == [
        ("b@example.org", True),
        (author.email, False),
    ]


def test_several_contact_authors_are_kept(edition: Edition, author: Any) -> None:
    submission = register(
        edition,
        author,
        authors=[
            AuthorInput("A", "a@example.org"),
            AuthorInput("B", "b@example.org", is_contact=True),
            AuthorInput("C", "c@example.org", is_contact=True),
        ],
    )
    assert [a.is_contact for a in submission.authors.order_by("position")] == [False, True, True]


@pytest.mark.parametrize("topic", ["systems", "ml", "both"])
def test_every_topic_is_accepted(edition: Edition, author: Any, topic: str) -> None:
    submission = submission_register(
        edition=edition,
        title="T",
        abstract="A",
        topic=topic,
        authors=[AuthorInput("A", author.email)],
        by=author,
    )
    assert submission.topic == topic


def test_register_strips_the_text(edition: Edition, author: Any) -> None:
    submission = submission_register(
        edition=edition,
        title="  Padded Title \n",
        abstract="\n Abstract. ",
        topic="ml",
        keywords=" a, b ",
        authors=[AuthorInput("  Ada  ", "  ADA@Example.org ", " MIT ")],
        by=author,
    )
    assert (submission.title, submission.abstract, submission.keywords) == ("Padded Title", "Abstract.", "a, b")
    assert submission.authors.values_list("name", "email", "affiliation").get() == ("Ada", "ada@example.org", "MIT")


def test_register_links_authors_to_verified_accounts(edition: Edition, author: Any) -> None:
    secondary = UserFactory(email="home@example.org")
    EmailAddress.objects.create(user=secondary, email="work@uni.example.edu", verified=True, primary=False)
    unverified = UserFactory(email="unverified@example.org", verified=False)
    EmailAddress.objects.create(user=unverified, email=unverified.email, verified=False, primary=True)

    submission = register(
        edition,
        author,
        authors=[
            AuthorInput("A", author.email),
            AuthorInput("B", "WORK@uni.example.edu"),
            AuthorInput("C", unverified.email),
            AuthorInput("D", "stranger@example.org"),
        ],
    )
    users = [a.user for a in submission.authors.order_by("position")]
    assert users == [author, secondary, None, None]


def test_register_at_the_abstract_deadline_second(edition: Edition, author: Any) -> None:
    closes = deadline_of(edition, Phase.ABSTRACT_REGISTRATION)
    assert register(edition, author, now=closes).number == 1


def test_register_after_the_abstract_deadline_is_refused(edition: Edition, author: Any) -> None:
    closes = deadline_of(edition, Phase.ABSTRACT_REGISTRATION)
    with pytest.raises(PolicyDenied) as caught:
        register(edition, author, now=closes + timedelta(seconds=1))
    assert "abstract registration deadline passed" in str(caught.value)
    assert "AoE" in str(caught.value)
    assert not Submission.objects.exists()
    assert not Author.objects.exists()


def test_register_before_the_abstract_phase_opens_is_refused(edition: Edition, author: Any) -> None:
    deadline = Deadline.objects.get(edition=edition, phase=Phase.ABSTRACT_REGISTRATION)
    deadline.opens_at = deadline.closes_at - timedelta(days=1)
    deadline.save()
    edition = Edition.objects.get(pk=edition.pk)
    with pytest.raises(PolicyDenied, match="Abstract registration opens at"):
        register(edition, author, now=deadline.opens_at - timedelta(seconds=1))
    assert register(edition, author, now=deadline.opens_at).number == 1


def test_register_without_an_abstract_deadline_is_refused(author: Any) -> None:
    with pytest.raises(PolicyDenied, match="no deadline set"):
        register(EditionFactory(), author)


def test_register_validates_the_submission(edition: Edition, author: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        submission_register(edition=edition, title="", abstract="x", topic="quantum", authors=[], by=author)
    assert {"title", "topic"} <= set(caught.value.message_dict)
    assert not Submission.objects.exists()


def test_register_refuses_a_title_of_ten_thousand_characters(edition: Edition, author: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        register(edition, author, title="x" * 10_000)
    assert "title" in caught.value.message_dict
    assert not Submission.objects.exists()


def test_register_refuses_no_authors(edition: Edition, author: Any) -> None:
    with pytest.raises(ValidationError, match=r"List at least one author\."):
        register(edition, author, authors=[])
    assert not Submission.objects.exists()


def test_register_refuses_an_author_listed_twice(edition: Edition, author: Any) -> None:
    """The same address twice (in any case) is a validation error, and nothing is stored."""
    with pytest.raises(ValidationError, match=r"twice@example\.org appears twice"):
        register(
            edition,
            author,
            authors=[AuthorInput("A", "twice@example.org"), AuthorInput("A again", " Twice@Example.org")],
        )
    assert not Submission.objects.exists()
    assert not Author.objects.exists()


def test_register_refuses_a_malformed_email(edition: Edition, author: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        register(edition, author, authors=[AuthorInput("A", author.email), AuthorInput("B", "not-an-address")])
    assert "email" in caught.value.message_dict
    assert not Submission.objects.exists()
    assert not Author.objects.exists()


# --- submission_update ---------------------------------------------------------------------


def test_update_changes_the_abstract_and_keeps_the_authors(submission: Submission, author: Any) -> None:
    before = list(submission.authors.values_list("email", flat=True))
    update(submission, author, title="Even Faster Kernels")
    submission.refresh_from_db()
    assert (submission.title, submission.abstract, submission.topic, submission.keywords) == (
        "Even Faster Kernels",
        "A new abstract.",
        "both",
        "compilers",
    )
    assert list(submission.authors.values_list("email", flat=True)) == before


def test_update_replaces_and_reorders_the_authors(submission: Submission, author: Any) -> None:
    update(
        submission,
        author,
        authors=[
            AuthorInput("Co Author", "coauthor@example.org", is_contact=True),
            AuthorInput("New Person", "new@example.org"),
            AuthorInput(author.display_name, author.email),
        ],
    )
    assert list(submission.authors.order_by("position").values_list("position", "email", "is_contact")) == [
        (1, "coauthor@example.org", True),
        (2, "new@example.org", False),
        (3, author.email, False),
    ]


def test_update_until_the_paper_deadline_second(submission: Submission, author: Any) -> None:
    closes = deadline_of(submission.edition, Phase.PAPER_SUBMISSION)
    update(submission, author, title="At the second", now=closes)
    with pytest.raises(PolicyDenied, match="paper submission deadline passed"):
        update(submission, author, title="Too late", now=closes + timedelta(seconds=1))
    submission.refresh_from_db()
    assert submission.title == "At the second"


def test_update_after_the_abstract_deadline_but_before_the_paper_deadline(submission: Submission, author: Any) -> None:
    abstract_closes = deadline_of(submission.edition, Phase.ABSTRACT_REGISTRATION)
    update(submission, author, title="Still editable", now=abstract_closes + timedelta(hours=1))
    submission.refresh_from_db()
    assert submission.title == "Still editable"


def test_update_of_a_withdrawn_submission_is_refused(submission: Submission, author: Any) -> None:
    submission_withdraw(submission=submission, by=author)
    with pytest.raises(PolicyDenied, match="This submission is withdrawn"):
        update(submission, author)


def test_a_paper_stays_editable_after_its_registrant_deleted_their_account(
    edition: Edition, author: Any, outsider: Any
) -> None:
    submission = register(edition, outsider, authors=[AuthorInput("Me", author.email)])
    outsider.delete()
    submission.refresh_from_db()
    assert submission.created_by is None
    update(submission, author, title="Still ours")
    submission.refresh_from_db()
    assert submission.title == "Still ours"


def test_update_with_a_bad_author_list_changes_nothing(submission: Submission, author: Any) -> None:
    with pytest.raises(ValidationError):
        update(
            submission,
            author,
            title="Should not stick",
            authors=[AuthorInput("A", "x@example.org"), AuthorInput("B", "X@example.org")],
        )
    submission.refresh_from_db()
    assert submission.title == "Fast Sparse Attention Kernels"
    assert submission.authors.count() == 2


# --- Withdraw and restore ------------------------------------------------------------------


def test_withdraw_and_restore_before_the_paper_deadline(submission: Submission, author: Any) -> None:
    submission_withdraw(submission=submission, by=author)
    assert submission.is_withdrawn
    with pytest.raises(PolicyDenied, match="already withdrawn"):
        submission_withdraw(submission=submission, by=author)
    closes = deadline_of(submission.edition, Phase.PAPER_SUBMISSION)
    submission_restore(submission=submission, by=author, now=closes)
    assert not submission.is_withdrawn


def test_restore_after_the_paper_deadline_is_refused(submission: Submission, author: Any) -> None:
    submission_withdraw(submission=submission, by=author)
    closes = deadline_of(submission.edition, Phase.PAPER_SUBMISSION)
    with pytest.raises(PolicyDenied):
        submission_restore(submission=submission, by=author, now=closes + timedelta(seconds=1))
    submission.refresh_from_db()
    assert submission.is_withdrawn


def test_a_withdrawn_submission_takes_no_upload(submission: Submission, author: Any) -> None:
    submission_withdraw(submission=submission, by=author)
    with pytest.raises(PolicyDenied, match="withdrawn"):
        paper_upload(submission=submission, content=make_pdf(), filename="p.pdf", by=author)
    assert not SubmissionFile.objects.exists()


# --- paper_upload: versions, nothing lost ---------------------------------------------------


def test_paper_upload_keeps_a_readable_pdf_as_the_current_version(submission: Submission, author: Any) -> None:
    content = make_pdf(3)
    version = paper_upload(submission=submission, content=content, filename="my paper.pdf", by=author)
    version.refresh_from_db()

    assert version.kind == FileKind.PAPER
    assert version.is_accepted
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert version.size == len(content)
    assert version.page_count == 3
    assert version.original_name == "my paper.pdf"
    assert version.uploaded_by == author
    assert version.warning_count == 0
    assert all(set(c) == {"code", "status", "message"} for c in version.checks)
    assert {c["code"]: c["status"] for c in version.checks} == {
        "not_empty": "ok",
        "file_size": "ok",
        "is_pdf": "ok",
        "not_encrypted": "ok",
        "page_count": "ok",
        "paper_size": "ok",
        "fonts_embedded": "ok",
        "anonymous_metadata": "ok",
        "anonymous_first_page": "ok",
    }
    assert version.sha256 in version.file.name
    assert version.file.name.endswith(f"{version.sha256}.pdf")
    assert version.file.name.startswith(f"submissions/{submission.edition_id}/")
    with version.file.open("rb") as handle:
        assert handle.read() == content
    assert current_paper(submission) == version


def test_warnings_are_counted_on_the_version(submission: Submission, author: Any) -> None:
    """The checks look for the submission's own authors in the PDF."""
    content = corpus.reportlab_pdf(first_page_text=["Fast Sparse Attention Kernels", "Co Author"])
    version = paper_upload(submission=submission, content=content, filename="p.pdf", by=author)
    assert version.is_accepted
    assert version.warning_count == 2
    warned = {c["code"] for c in version.checks if c["status"] == "warning"}
    assert warned == {"fonts_embedded", "anonymous_first_page"}


def test_a_non_pdf_is_recorded_as_rejected_and_the_accepted_version_stays_current(
    stored_paper: SubmissionFile, submission: Submission, author: Any
) -> None:
    rejected = paper_upload(submission=submission, content=b"Just some text.", filename="paper.txt", by=author)
    rejected.refresh_from_db()

    assert not rejected.is_accepted
    assert rejected.page_count is None
    assert rejected.checks[-1] == {"code": "is_pdf", "status": "error", "message": "This is not a PDF."}
    assert not rejected.file  # a rejected upload's bytes are not kept
    assert rejected.sha256 == hashlib.sha256(b"Just some text.").hexdigest()
    assert rejected.original_name == "paper.txt"
    assert SubmissionFile.objects.filter(submission=submission).count() == 2
    assert current_paper(submission) == stored_paper
    # The same answer through the prefetching selector.
    assert current_paper(submissions_of_edition(submission.edition).get(pk=submission.pk)) == stored_paper


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(make_pdf(2)[:200], id="truncated"),
        pytest.param(b"", id="zero-bytes"),
        pytest.param(corpus.PNG_BYTES, id="png"),
        pytest.param(corpus.pypdf_blank(1, password="pw"), id="encrypted"),
        pytest.param(corpus.pypdf_blank(11), id="eleven-pages"),
        pytest.param(corpus.reportlab_pdf(pagesize=corpus.A5_SIZE), id="a5"),
    ],
)
def test_a_rejected_upload_never_replaces_the_accepted_one(
    stored_paper: SubmissionFile, submission: Submission, author: Any, content: bytes
) -> None:
    rejected = paper_upload(submission=submission, content=content, filename="paper.pdf", by=author)
    assert not rejected.is_accepted
    assert not rejected.file
    assert any(c["status"] == "error" for c in rejected.checks)
    assert current_paper(submission) == stored_paper
    with stored_paper.file.open("rb") as handle:
        assert handle.read() == make_pdf(2)


def test_a_broken_pdf_is_rejected_as_incomplete(
    stored_paper: SubmissionFile, submission: Submission, author: Any
) -> None:
    broken = paper_upload(submission=submission, content=make_pdf(2)[:200], filename="paper.pdf", by=author)
    assert not broken.is_accepted
    assert broken.checks[-1]["code"] == "is_pdf"
    assert broken.checks[-1]["message"].startswith("The PDF is incomplete")


def test_oversize_for_the_edition_is_rejected(submission: Submission, author: Any) -> None:
    Edition.objects.filter(pk=submission.edition_id).update(max_pdf_mb=1)
    content = b"%PDF-1.4\n" + bytes(1024 * 1024) + b"\n%%EOF\n"
    version = paper_upload(submission=submission, content=content, filename="big.pdf", by=author)
    assert not version.is_accepted
    assert [c["code"] for c in version.checks if c["status"] == "error"] == ["file_size"]


def test_the_page_limit_of_the_edition_applies(submission: Submission, author: Any) -> None:
    Edition.objects.filter(pk=submission.edition_id).update(page_limit=2)
    assert paper_upload(submission=submission, content=make_pdf(2), filename="p.pdf", by=author).is_accepted
    too_long = paper_upload(submission=submission, content=make_pdf(3), filename="p.pdf", by=author)
    assert not too_long.is_accepted


def test_every_upload_is_a_new_version_even_of_the_same_bytes(submission: Submission, author: Any) -> None:
    first = paper_upload(submission=submission, content=make_pdf(2), filename="p.pdf", by=author)
    again = paper_upload(submission=submission, content=make_pdf(2), filename="p.pdf", by=author)
    assert first.pk != again.pk
    assert first.sha256 == again.sha256
    assert first.file.name != again.file.name  # each in a folder of its own: nothing overwritten
    assert first.file.storage.exists(first.file.name)
    assert again.file.storage.exists(again.file.name)


def test_a_newer_accepted_version_becomes_current(
    stored_paper: SubmissionFile, submission: Submission, author: Any
) -> None:
    newer = paper_upload(submission=submission, content=make_pdf(5), filename="v2.pdf", by=author)
    assert newer.sha256 != stored_paper.sha256
    assert current_paper(submission) == newer
    assert current_paper(submission).page_count == 5
    assert stored_paper.file.storage.exists(stored_paper.file.name)  # the old version is kept


def test_no_current_paper_before_an_upload(submission: Submission) -> None:
    assert current_paper(submission) is None
    assert current_paper(submissions_of_edition(submission.edition).get(pk=submission.pk)) is None


def test_the_submitted_version_is_the_latest_accepted_before_the_deadline(submission: Submission, author: Any) -> None:
    closes = deadline_of(submission.edition, Phase.PAPER_SUBMISSION)
    paper_upload(submission=submission, content=make_pdf(1), filename="v1.pdf", by=author, now=closes)
    v2 = paper_upload(submission=submission, content=make_pdf(2), filename="v2.pdf", by=author, now=closes)
    paper_upload(submission=submission, content=b"oops", filename="v3.pdf", by=author, now=closes)
    with pytest.raises(PolicyDenied):
        paper_upload(
            submission=submission,
            content=make_pdf(4),
            filename="v4.pdf",
            by=author,
            now=closes + timedelta(seconds=1),
        )
    assert current_paper(submission) == v2
    assert submission.files.count() == 3


def test_paper_upload_after_the_paper_deadline_is_refused(submission: Submission, author: Any) -> None:
    closes = deadline_of(submission.edition, Phase.PAPER_SUBMISSION)
    paper_upload(submission=submission, content=make_pdf(), filename="paper.pdf", by=author, now=closes)
    with pytest.raises(PolicyDenied, match="paper submission deadline passed"):
        paper_upload(
            submission=submission,
            content=make_pdf(2),
            filename="late.pdf",
            by=author,
            now=closes + timedelta(seconds=1),
        )
    assert SubmissionFile.objects.filter(submission=submission).count() == 1


# --- Supplementary material ----------------------------------------------------------------


def test_supplementary_zip_and_pdf_are_stored(submission: Submission, author: Any, supplementary_deadline: Any) -> None:
    archive = corpus.make_zip(corpus.GOOD_ZIP_MEMBERS)
    version = supplementary_upload(submission=submission, content=archive, filename="artifact.zip", by=author)
    assert version.is_accepted
    assert version.kind == FileKind.SUPPLEMENTARY
    assert version.file.name.endswith(f"{version.sha256}.zip")
    pdf = supplementary_upload(submission=submission, content=corpus.pypdf_blank(30), filename="a.pdf", by=author)
    assert pdf.is_accepted
    assert current_supplementary(submission) == pdf
    assert current_paper(submission) is None  # a supplementary PDF is not the paper


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        pytest.param(corpus.zip_bomb(20), "bomb.zip", id="zip-bomb"),
        pytest.param(corpus.make_zip({"../evil": b"x"}), "t.zip", id="traversal"),
        pytest.param(corpus.zip_with_encrypted_member(), "e.zip", id="encrypted-member"),
        pytest.param(b"PK\x03\x04damaged", "d.zip", id="damaged"),
        pytest.param(b"plain text", "notes.txt", id="text"),
    ],
)
def test_bad_supplementary_material_is_rejected_and_the_old_stays(
    submission: Submission, author: Any, supplementary_deadline: Any, content: bytes, filename: str
) -> None:
    good = supplementary_upload(
        submission=submission, content=corpus.make_zip(corpus.GOOD_ZIP_MEMBERS), filename="a.zip", by=author
    )
    bad = supplementary_upload(submission=submission, content=content, filename=filename, by=author)
    assert not bad.is_accepted
    assert not bad.file
    assert current_supplementary(submission) == good


def test_supplementary_has_its_own_deadline(submission: Submission, author: Any, supplementary_deadline: Any) -> None:
    paper_closes = deadline_of(submission.edition, Phase.PAPER_SUBMISSION)
    archive = corpus.make_zip(corpus.GOOD_ZIP_MEMBERS)
    after_paper = paper_closes + timedelta(seconds=1)
    with pytest.raises(PolicyDenied):
        paper_upload(submission=submission, content=make_pdf(), filename="p.pdf", by=author, now=after_paper)
    assert supplementary_upload(
        submission=submission, content=archive, filename="a.zip", by=author, now=after_paper
    ).is_accepted
    closes = supplementary_deadline.closes_at
    supplementary_upload(submission=submission, content=archive, filename="a.zip", by=author, now=closes)
    with pytest.raises(PolicyDenied, match="supplementary material deadline passed"):
        supplementary_upload(
            submission=submission, content=archive, filename="a.zip", by=author, now=closes + timedelta(seconds=1)
        )
    assert submission.files.filter(kind=FileKind.SUPPLEMENTARY).count() == 2


def test_supplementary_without_its_phase_is_refused(submission: Submission, author: Any) -> None:
    with pytest.raises(PolicyDenied, match="no deadline set"):
        supplementary_upload(
            submission=submission, content=corpus.make_zip(corpus.GOOD_ZIP_MEMBERS), filename="a.zip", by=author
        )


# --- Extensions ----------------------------------------------------------------------------


def test_an_extension_keeps_upload_open_for_that_paper_only_to_the_second(
    edition: Edition, submission: Submission, author: Any, chair: Any
) -> None:
    other = SubmissionFactory(edition=edition, number=2)
    AuthorFactory(submission=other, email=author.email, user=author)
    closes = deadline_of(edition, Phase.PAPER_SUBMISSION)
    until = closes + timedelta(hours=6)
    extend(submission, chair, until)

    assert paper_upload(submission=submission, content=make_pdf(), filename="p.pdf", by=author, now=until).is_accepted
    with pytest.raises(PolicyDenied, match="extended deadline of this paper passed") as caught:
        paper_upload(
            submission=submission, content=make_pdf(), filename="p.pdf", by=author, now=until + timedelta(seconds=1)
        )
    assert "AoE" in str(caught.value)
    with pytest.raises(PolicyDenied, match="paper submission deadline passed"):
        paper_upload(
            submission=other, content=make_pdf(), filename="p.pdf", by=author, now=closes + timedelta(seconds=1)
        )
    # Editing the abstract follows the extension too.
    update(submission, author, title="Edited in the extension", now=until)


def test_an_extension_of_supplementary_material_covers_that_phase(
    submission: Submission, author: Any, chair: Any, supplementary_deadline: Deadline
) -> None:
    until = supplementary_deadline.closes_at + timedelta(days=1)
    extend(submission, chair, until, Phase.SUPPLEMENTARY_MATERIAL)
    archive = corpus.make_zip(corpus.GOOD_ZIP_MEMBERS)
    assert supplementary_upload(submission=submission, content=archive, filename="a.zip", by=author, now=until).pk
    with pytest.raises(PolicyDenied):
        supplementary_upload(
            submission=submission, content=archive, filename="a.zip", by=author, now=until + timedelta(seconds=1)
        )


def test_an_extension_does_not_reopen_abstract_registration(
    edition: Edition, submission: Submission, chair: Any
) -> None:
    closes = deadline_of(edition, Phase.ABSTRACT_REGISTRATION)
    extend(submission, chair, closes + timedelta(days=30), Phase.PAPER_SUBMISSION, Phase.ABSTRACT_REGISTRATION)
    with pytest.raises(PolicyDenied):  # a paper's extension is for that paper, not for registering new ones
        register(edition, chair, now=closes + timedelta(seconds=1))


def test_removing_an_extension_closes_the_paper_again(submission: Submission, author: Any, chair: Any) -> None:
    closes = deadline_of(submission.edition, Phase.PAPER_SUBMISSION)
    extend(submission, chair, closes + timedelta(days=1))
    extend(submission, chair, None)
    assert not submission.extensions.exists()
    with pytest.raises(PolicyDenied, match="paper submission deadline passed"):
        paper_upload(
            submission=submission, content=make_pdf(), filename="p.pdf", by=author, now=closes + timedelta(seconds=1)
        )


# --- Conflicts found automatically --------------------------------------------------------


def test_register_finds_domain_affiliation_and_authorship_conflicts(
    edition: Edition, author: Any, pc_at_mit: Any, pc_at_eth: Any, pc_on_gmail: Any
) -> None:
    submission = register(
        edition,
        author,
        authors=[
            AuthorInput("Ada", "ada@mit.edu", "Massachusetts Institute of Technology"),
            AuthorInput("Bo", "bo@gmail.com", "ETH Zurich"),
        ],
    )
    assert conflicts_of(submission) == {
        pc_at_mit.pk: ("domain", "automatic"),
        pc_at_eth.pk: ("affiliation", "automatic"),
    }
    assert Conflict.objects.get(user=pc_at_mit).detail == "mit.edu ~ csail.mit.edu"


def test_a_pc_member_listed_as_an_author_is_conflicted(edition: Edition, author: Any, pc_on_gmail: Any) -> None:
    submission = register(
        edition, author, authors=[AuthorInput("Me", author.email), AuthorInput("Gus", "GUS@gmail.com")]
    )
    assert conflicts_of(submission) == {pc_on_gmail.pk: ("author", "automatic")}


def test_a_pc_members_secondary_address_counts(edition: Edition, author: Any, pc_on_gmail: Any) -> None:
    EmailAddress.objects.create(user=pc_on_gmail, email="gus@lab.example.edu", verified=True)
    submission = register(edition, author, authors=[AuthorInput("Ada", "ada@cs.lab.example.edu")])
    assert conflicts_of(submission) == {pc_on_gmail.pk: ("domain", "automatic")}


def test_automatic_conflicts_are_added_when_the_authors_change_and_never_removed(
    edition: Edition, author: Any, pc_at_mit: Any, pc_at_eth: Any
) -> None:
    submission = register(edition, author, authors=[AuthorInput("Me", author.email), AuthorInput("Ada", "ada@mit.edu")])
    assert conflicts_of(submission) == {pc_at_mit.pk: ("domain", "automatic")}
    update(submission, author, authors=[AuthorInput("Me", author.email), AuthorInput("Ada", "ada@ethz.ch")])
    assert conflicts_of(submission) == {pc_at_mit.pk: ("domain", "automatic"), pc_at_eth.pk: ("domain", "automatic")}
    assert not submission.conflicts.filter(hidden_from_member=True).exists()  # the authors' change: shown


def test_author_declared_conflicts_survive_a_change_of_authors(
    edition: Edition, author: Any, pc_at_mit: Any, pc_on_gmail: Any
) -> None:
    submission = register(edition, author, authors=[AuthorInput("Me", author.email), AuthorInput("Ada", "ada@mit.edu")])
    conflicts_set_declared(
        submission=submission, source=ConflictSource.AUTHOR, declared={pc_on_gmail.pk: "advisor"}, by=author
    )
    update(submission, author, authors=[AuthorInput("Me", author.email), AuthorInput("Ada", "ada@example.net")])
    assert conflicts_of(submission) == {pc_on_gmail.pk: ("advisor", "author"), pc_at_mit.pk: ("domain", "automatic")}


def test_conflicts_are_refreshed_for_the_whole_edition_when_the_committee_changes(
    edition: Edition, author: Any
) -> None:
    submission = register(edition, author, authors=[AuthorInput("Ada", "ada@cs.berkeley.edu")])
    assert conflicts_of(submission) == {}
    late = UserFactory(email="late@berkeley.edu", affiliation="UC Berkeley")
    RoleFactory(edition=edition, user=late, kind=RoleKind.PC_MEMBER, area=Area.ML)
    assert conflicts_refresh_edition(edition=edition) == 1
    assert conflicts_of(submission) == {late.pk: ("domain", "automatic")}


# --- Conflicts declared --------------------------------------------------------------------


def test_authors_declare_conflicts_with_reasons(
    submission: Submission, author: Any, pc_at_mit: Any, pc_at_eth: Any
) -> None:
    conflicts_set_declared(
        submission=submission,
        source=ConflictSource.AUTHOR,
        declared={pc_at_mit.pk: "collaborator", pc_at_eth.pk: "personal"},
        by=author,
    )
    assert conflicts_of(submission) == {
        pc_at_mit.pk: ("collaborator", "author"),
        pc_at_eth.pk: ("personal", "author"),
    }
    conflicts_set_declared(
        submission=submission, source=ConflictSource.AUTHOR, declared={pc_at_eth.pk: "advisor"}, by=author
    )
    assert conflicts_of(submission) == {pc_at_eth.pk: ("advisor", "author")}
    assert Conflict.objects.get(user=pc_at_eth).created_by == author


def test_chairs_declarations_are_kept_apart_from_the_authors(
    submission: Submission, author: Any, chair: Any, pc_at_mit: Any, pc_at_eth: Any
) -> None:
    conflicts_set_declared(
        submission=submission, source=ConflictSource.CHAIR, declared={pc_at_mit.pk: "other"}, by=chair
    )
    conflicts_set_declared(
        submission=submission, source=ConflictSource.AUTHOR, declared={pc_at_eth.pk: "advisor"}, by=author
    )
    conflicts_set_declared(submission=submission, source=ConflictSource.AUTHOR, declared={}, by=author)
    conflicts = conflicts_of(submission)
    assert conflicts[pc_at_mit.pk] == ("other", "chair")
    assert pc_at_eth.pk not in conflicts


def test_an_unknown_reason_is_refused(submission: Submission, author: Any, pc_systems: Any) -> None:
    with pytest.raises(ValidationError, match="Unknown conflict reason"):
        conflicts_set_declared(
            submission=submission, source=ConflictSource.AUTHOR, declared={pc_systems.pk: "enemy"}, by=author
        )
    assert not Conflict.objects.exists()


def test_authors_do_not_touch_the_pc_members_own_declarations(
    submission: Submission, author: Any, pc_systems: Any
) -> None:
    conflict_declare_own(submission=submission, user=pc_systems, reason="personal", conflicted=True)
    conflicts_set_declared(submission=submission, source=ConflictSource.AUTHOR, declared={}, by=author)
    assert conflicts_of(submission) == {pc_systems.pk: ("personal", "pc")}


def test_authors_cannot_remove_an_automatic_conflict(edition: Edition, author: Any, pc_at_mit: Any) -> None:
    """Declaring a reason for an automatic conflict and then undeclaring it leaves the
    automatic conflict in place: the institution is still shared."""
    submission = register(edition, author, authors=[AuthorInput("Me", author.email), AuthorInput("Ada", "ada@mit.edu")])
    conflicts_set_declared(
        submission=submission, source=ConflictSource.AUTHOR, declared={pc_at_mit.pk: "advisor"}, by=author
    )
    assert conflicts_of(submission) == {pc_at_mit.pk: ("domain", "automatic")}
    conflicts_set_declared(submission=submission, source=ConflictSource.AUTHOR, declared={}, by=author)
    assert conflicts_of(submission) == {pc_at_mit.pk: ("domain", "automatic")}


def test_pc_member_declares_and_removes_their_own_conflict(submission: Submission, pc_systems: Any) -> None:
    conflict_declare_own(submission=submission, user=pc_systems, reason="collaborator", conflicted=True)
    conflict = Conflict.objects.get(submission=submission, user=pc_systems)
    assert (conflict.reason, conflict.source, conflict.created_by) == ("collaborator", "pc", pc_systems)
    conflict_declare_own(submission=submission, user=pc_systems, reason="collaborator", conflicted=True)
    assert Conflict.objects.count() == 1
    conflict_declare_own(submission=submission, user=pc_systems, reason="", conflicted=False)
    assert not Conflict.objects.exists()


def test_pc_member_cannot_remove_an_author_declared_conflict(
    submission: Submission, author: Any, pc_systems: Any
) -> None:
    conflicts_set_declared(
        submission=submission, source=ConflictSource.AUTHOR, declared={pc_systems.pk: "advisor"}, by=author
    )
    with pytest.raises(ValidationError, match="ask the chairs"):
        conflict_declare_own(submission=submission, user=pc_systems, reason="other", conflicted=False)
    assert conflicts_of(submission) == {pc_systems.pk: ("advisor", "author")}


def test_pc_member_cannot_remove_an_automatic_conflict(edition: Edition, author: Any, pc_at_mit: Any) -> None:
    submission = register(edition, author, authors=[AuthorInput("Ada", "ada@mit.edu")])
    with pytest.raises(ValidationError, match="ask the chairs"):
        conflict_declare_own(submission=submission, user=pc_at_mit, reason="other", conflicted=False)
    assert conflicts_of(submission) == {pc_at_mit.pk: ("domain", "automatic")}


def test_pc_member_declaring_with_an_unknown_reason_is_refused(submission: Submission, pc_systems: Any) -> None:
    with pytest.raises(ValidationError, match="Unknown conflict reason"):
        conflict_declare_own(submission=submission, user=pc_systems, reason="<script>", conflicted=True)
    assert not Conflict.objects.exists()
