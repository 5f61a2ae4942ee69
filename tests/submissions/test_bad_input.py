"""Bad input gets a clear message and a 4xx, never a 500, through both the pages and the API.
(The test client re-raises any exception a view lets through, so a 500 fails the test.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conferences.models import Edition
from submissions.models import Conflict, Submission, SubmissionFile
from submissions.selectors import current_paper, current_supplementary
from submissions.services import AuthorInput, submission_register
from tests.factories.pdfs import make_pdf
from tests.submissions import corpus
from tests.submissions.helpers import author_rows, upload

pytestmark = pytest.mark.django_db

API = "/api/editions/mlsys2027/submissions/"
ONE_MB = 1024 * 1024

BAD_PAPERS = [
    pytest.param("paper.pdf", corpus.PNG_BYTES, "This is not a PDF; it looks like a PNG image.", id="png-renamed"),
    pytest.param(
        "paper.pdf",
        corpus.make_zip(corpus.GOOD_ZIP_MEMBERS),
        "This is not a PDF; it looks like a ZIP archive",
        id="zip-renamed",
    ),
    pytest.param(
        "paper.pdf",
        corpus.truncated(corpus.weasyprint_pdf()),
        "The PDF is incomplete (it has no end)",
        id="truncated",
    ),
    pytest.param("paper.pdf", corpus.garbage_after_header(), "The PDF is damaged and cannot be read", id="corrupt"),
    pytest.param(
        "paper.pdf",
        corpus.pypdf_blank(1, password="secret"),
        "The PDF is encrypted or password-protected",
        id="encrypted",
    ),
    pytest.param("paper.pdf", b"", "The file is empty (0 bytes).", id="zero-bytes"),
    pytest.param(
        "paper.pdf",
        b"%PDF-1.4\n" + bytes(ONE_MB + 10) + b"%%EOF",
        "the limit is 1 MB",
        id="oversize",
    ),
    pytest.param("paper.pdf", corpus.pypdf_blank(11), "The PDF has 11 pages; the limit is 10.", id="too-many-pages"),
    pytest.param("paper.pdf", corpus.reportlab_pdf(pagesize=corpus.A5_SIZE), "Pages must be US Letter or A4", id="a5"),
]

BAD_SUPPLEMENTS = [
    pytest.param("artifact.zip", corpus.zip_bomb(20), "a zip bomb?", id="zip-bomb"),
    pytest.param(
        "artifact.zip",
        corpus.make_zip({"../evil": b"x", "/etc/passwd": b"y"}),
        "file names that point outside it: ../evil, /etc/passwd.",
        id="path-traversal",
    ),
    pytest.param(
        "artifact.zip", corpus.make_zip({"C:\\x": b"x"}), "file names that point outside it: C:\\x.", id="drive"
    ),
    pytest.param("artifact.zip", corpus.zip_with_encrypted_member(), "encrypted files", id="encrypted-member"),
    pytest.param("artifact.zip", b"PK\x03\x04" + b"\0" * 40, "The ZIP archive is damaged", id="damaged-zip"),
    pytest.param("artifact.exe", b"MZ\x90\x00" + b"\0" * 60, "must be a PDF or a ZIP archive", id="other-type"),
]


@pytest.fixture
def small_edition(edition: Edition) -> Edition:
    """A 1 MB upload limit, so that "oversize" stays fast."""
    Edition.objects.filter(pk=edition.pk).update(max_pdf_mb=1)
    return edition


def page_upload_url(submission: Submission, kind: str = "paper") -> str:
    return reverse(
        "submissions:upload",
        kwargs={"edition_slug": submission.edition.slug, "number": submission.number, "kind": kind},
    )


# --- Bad files through the page and the API -------------------------------------------------


@pytest.mark.parametrize(("filename", "content", "expected"), BAD_PAPERS)
def test_bad_paper_through_the_page(
    client: Any,
    small_edition: Edition,
    submission: Submission,
    stored_paper: SubmissionFile,
    author: Any,
    filename: str,
    content: bytes,
    expected: str,
) -> None:
    client.force_login(author)
    response = client.post(page_upload_url(submission), {"file": upload(filename, content)}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "The upload was rejected; the previous version stays. See the checks below." in html
    assert expected.replace("'", "&#x27;") in html
    assert current_paper(submission) == stored_paper
    assert submission.files.filter(is_accepted=False, file="").count() == 1


@pytest.mark.parametrize(("filename", "content", "expected"), BAD_PAPERS)
def test_bad_paper_through_the_api(
    client: Any,
    small_edition: Edition,
    submission: Submission,
    stored_paper: SubmissionFile,
    author: Any,
    filename: str,
    content: bytes,
    expected: str,
) -> None:
    client.force_login(author)
    response = client.post(f"{API}1/paper/", {"file": upload(filename, content)})
    assert response.status_code == 400
    data = response.json()
    assert data["is_accepted"] is False
    errors = [c["message"] for c in data["checks"] if c["status"] == "error"]
    assert any(expected in message for message in errors), errors
    assert current_paper(submission) == stored_paper


@pytest.mark.parametrize(("filename", "content", "expected"), BAD_SUPPLEMENTS)
def test_bad_supplementary_through_the_page(
    client: Any,
    submission: Submission,
    author: Any,
    supplementary_deadline: Any,
    filename: str,
    content: bytes,
    expected: str,
) -> None:
    client.force_login(author)
    response = client.post(
        page_upload_url(submission, "supplementary"), {"file": upload(filename, content)}, follow=True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The upload was rejected" in html
    assert expected in html
    assert current_supplementary(submission) is None


@pytest.mark.parametrize(("filename", "content", "expected"), BAD_SUPPLEMENTS)
def test_bad_supplementary_through_the_api(
    client: Any,
    submission: Submission,
    author: Any,
    supplementary_deadline: Any,
    filename: str,
    content: bytes,
    expected: str,
) -> None:
    client.force_login(author)
    response = client.post(f"{API}1/supplementary/", {"file": upload(filename, content, "application/octet-stream")})
    assert response.status_code == 400
    assert any(expected in c["message"] for c in response.json()["checks"])
    assert current_supplementary(submission) is None


def test_an_oversize_upload_is_not_read_whole(
    small_edition: Edition, submission: Submission, author: Any, client: Any
) -> None:
    """Only limit + 1 bytes are read: enough to know it is too large."""
    client.force_login(author)
    response = client.post(f"{API}1/paper/", {"file": upload("big.pdf", b"%PDF-1.4\n" + bytes(3 * ONE_MB))})
    assert response.status_code == 400
    assert response.json()["size"] == ONE_MB + 1


# --- Bad fields through the form ------------------------------------------------------------


def form_data(title: str = "A Title", authors: list[dict[str, Any]] | None = None, **fields: Any) -> dict[str, Any]:
    rows = authors or [{"name": "Ada", "email": "author@example.org"}]
    return {"title": title, "abstract": "An abstract.", "topic": "ml", "keywords": "", **fields, **author_rows(*rows)}


def new_url(edition: Edition) -> str:
    return reverse("submissions:new", kwargs={"edition_slug": edition.slug})


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            form_data(authors=[{"name": "Ada", "email": "author@example.org"}, {"name": "Bo", "email": "bo@@x"}]),
            "Enter a valid email address.",
            id="malformed-email",
        ),
        pytest.param(
            form_data(title="x" * 10_000),
            "Ensure this value has at most 300 characters (it has 10000).",
            id="title-of-10000",
        ),
        pytest.param(
            form_data(
                authors=[{"name": "Ada", "email": "author@example.org"}, {"name": "A", "email": "AUTHOR@example.org"}]
            ),
            "Each author is listed once; an address appears twice.",
            id="author-twice",
        ),
        pytest.param(form_data(topic="quantum"), "Select a valid choice.", id="bad-topic"),
        pytest.param(form_data(abstract="a" * 5001), "at most 5000 characters", id="long-abstract"),
        pytest.param(
            form_data(authors=[{"name": "N" * 10_000, "email": "author@example.org"}]),
            "at most 200 characters",
            id="long-author-name",
        ),
        pytest.param(form_data(title="Nul\x00byte"), "Null characters are not allowed.", id="nul-byte"),
        pytest.param(form_data(title="   "), "This field is required.", id="blank-title"),
        pytest.param(
            {**form_data(), "authors-0-email": "", "authors-0-name": ""},
            "This field is required.",
            id="no-author",
        ),
    ],
)
def test_bad_fields_in_the_form_are_explained(
    client: Any, edition: Edition, author: Any, data: dict[str, Any], expected: str
) -> None:
    client.force_login(author)
    response = client.post(new_url(edition), data)
    assert response.status_code == 400  # the form again, with what was refused
    assert expected.replace("'", "&#x27;") in response.content.decode()
    assert not Submission.objects.exists()


def test_a_broken_management_form_is_an_error_not_a_crash(client: Any, edition: Edition, author: Any) -> None:
    client.force_login(author)
    data = form_data()
    data["authors-TOTAL_FORMS"] = "lots"
    response = client.post(new_url(edition), data)
    assert response.status_code == 400
    assert "(Hidden field TOTAL_FORMS) Enter a whole number." in response.content.decode()
    assert not Submission.objects.exists()


# --- Bad fields through the API ------------------------------------------------------------


def api_data(**changes: Any) -> dict[str, Any]:
    return {
        "title": "A Title",
        "abstract": "An abstract.",
        "topic": "ml",
        "authors": [{"name": "Ada", "email": "author@example.org"}],
        **changes,
    }


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            api_data(authors=[{"name": "Ada", "email": "author@example.org"}, {"name": "Bo", "email": "bo@@x"}]),
            "Enter a valid email address.",
            id="malformed-email",
        ),
        pytest.param(
            api_data(title="x" * 10_000), "Ensure this field has no more than 300 characters.", id="title-of-10000"
        ),
        pytest.param(
            api_data(
                authors=[{"name": "A", "email": "twice@example.org"}, {"name": "B", "email": "Twice@example.org"}]
            ),
            "twice@example.org appears twice",
            id="author-twice",
        ),
        pytest.param(api_data(authors=[]), "List at least one author.", id="empty-authors"),
        pytest.param(api_data(topic="quantum"), "is not a valid choice", id="bad-topic"),
        pytest.param(api_data(abstract="a" * 5001), "no more than 5000 characters", id="long-abstract"),
        pytest.param(api_data(title="Nul\x00byte"), "Null characters are not allowed.", id="nul-byte"),
        pytest.param(api_data(authors="author@example.org"), "Expected a list of items", id="authors-not-a-list"),
        pytest.param(
            api_data(authors=[{"name": "N" * 10_000, "email": "author@example.org"}]),
            "no more than 200 characters",
            id="long-author-name",
        ),
        pytest.param(["not", "an", "object"], "Invalid data. Expected a dictionary", id="json-list"),
    ],
)
def test_bad_fields_in_the_api_are_400_with_the_reason(
    client: Any, edition: Edition, author: Any, data: Any, expected: str
) -> None:
    client.force_login(author)
    response = client.post(API, data, content_type="application/json")
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not Submission.objects.exists()


def test_malformed_json_is_a_400(client: Any, edition: Edition, author: Any) -> None:
    client.force_login(author)
    response = client.post(API, '{"title": ', content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(["a", "list"], "Expected a dictionary", id="json-list"),
        pytest.param({"title": "x" * 10_000}, "no more than 300 characters", id="title-of-10000"),
        pytest.param({"authors": [{"name": "A", "email": "nope"}]}, "Enter a valid email address.", id="bad-email"),
    ],
)
def test_bad_patch_is_a_400(client: Any, submission: Submission, author: Any, body: Any, expected: str) -> None:
    client.force_login(author)
    response = client.patch(f"{API}1/", body, content_type="application/json")
    assert response.status_code == 400
    assert expected in response.content.decode()
    submission.refresh_from_db()
    assert submission.title == "Fast Sparse Attention Kernels"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"user": 1, "reason": "advisor"}, id="object-not-list"),
        pytest.param([{"user": "abc", "reason": "advisor"}], id="user-not-a-number"),
        pytest.param([{"reason": "advisor"}], id="no-user"),
        pytest.param("advisor", id="string"),
    ],
)
def test_bad_conflicts_are_a_400(client: Any, submission: Submission, author: Any, pc_at_eth: Any, body: Any) -> None:
    client.force_login(author)
    response = client.put(f"{API}1/conflicts/", body, content_type="application/json")
    assert response.status_code == 400
    assert not Conflict.objects.exists()


def test_an_unknown_conflict_reason_is_a_400(client: Any, submission: Submission, author: Any, pc_at_eth: Any) -> None:
    client.force_login(author)
    body = [{"user": pc_at_eth.pk, "reason": "nemesis"}]
    response = client.put(f"{API}1/conflicts/", body, content_type="application/json")
    assert response.status_code == 400
    assert '\\"nemesis\\" is not a valid choice.' in response.content.decode()
    assert not Conflict.objects.exists()


# --- Odd identifiers in conflict forms -------------------------------------------------------


@pytest.mark.parametrize("value", ["²", "-1", "1e3", "", "99999999999999999999999"])
def test_odd_ids_in_the_authors_conflict_form_are_ignored(
    client: Any, submission: Submission, author: Any, pc_at_eth: Any, value: str
) -> None:
    client.force_login(author)
    url = reverse("submissions:conflicts", kwargs={"edition_slug": "mlsys2027", "number": 1})
    response = client.post(url, {"conflict": [value, str(pc_at_eth.pk)]})
    assert response.status_code == 302
    assert list(submission.conflicts.values_list("user_id", flat=True)) == [pc_at_eth.pk]


@pytest.mark.parametrize("value", ["²", "-1", "abc", "99999999999999999999999"])
def test_odd_ids_in_the_pc_conflict_form_are_ignored(
    client: Any, submission: Submission, pc_systems: Any, value: str
) -> None:
    client.force_login(pc_systems)
    url = reverse("submissions:pc_conflicts", kwargs={"edition_slug": "mlsys2027"})
    response = client.post(url, {"conflict": [value, str(submission.pk)]})
    assert response.status_code == 302
    assert list(pc_systems.conflicts.values_list("submission_id", flat=True)) == [submission.pk]


# --- HTML in fields is escaped wherever it is shown ----------------------------------------

HTML_TITLE = "<b>Bold</b> Kernels <script>alert(1)</script>"


@pytest.fixture
def html_submission(edition: Edition, author: Any) -> Submission:
    submission = submission_register(
        edition=edition,
        title=HTML_TITLE,
        abstract="<img src=x onerror=alert(2)> abstract",
        topic="systems",
        keywords="<b>kw</b>",
        authors=[AuthorInput("<i>Ada</i>", author.email, "<u>Lab</u>")],
        by=author,
    )
    assert submission.title == HTML_TITLE  # stored as typed
    return submission


def assert_escaped(html: str) -> None:
    assert "<b>" not in html
    assert "<script>alert(1)" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt; Kernels &lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_html_is_escaped_on_the_detail_page(client: Any, html_submission: Submission, author: Any) -> None:
    client.force_login(author)
    html = client.get(html_submission.get_absolute_url()).content.decode()
    assert_escaped(html)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<i>Ada</i>" not in html
    assert "&lt;i&gt;Ada&lt;/i&gt;" in html
    assert "&lt;u&gt;Lab&lt;/u&gt;" in html
    assert "&lt;b&gt;kw&lt;/b&gt;" in html


def test_html_is_escaped_in_the_chair_list(client: Any, html_submission: Submission, chair: Any) -> None:
    client.force_login(chair)
    html = client.get(reverse("submissions:list", kwargs={"edition_slug": "mlsys2027"})).content.decode()
    assert_escaped(html)
    assert "&lt;i&gt;Ada&lt;/i&gt;" in html


def test_html_is_escaped_on_the_dashboard(client: Any, html_submission: Submission, author: Any) -> None:
    client.force_login(author)
    html = client.get(reverse("submissions:mine", kwargs={"edition_slug": "mlsys2027"})).content.decode()
    assert_escaped(html)


def test_html_is_escaped_on_the_pc_conflicts_page(client: Any, html_submission: Submission, pc_systems: Any) -> None:
    client.force_login(pc_systems)
    html = client.get(reverse("submissions:pc_conflicts", kwargs={"edition_slug": "mlsys2027"})).content.decode()
    assert_escaped(html)
    assert "<img src=x" not in html


def test_html_in_a_rejected_file_name_is_escaped(client: Any, submission: Submission, author: Any) -> None:
    client.force_login(author)
    client.post(page_upload_url(submission), {"file": upload("<b>x.pdf", b"nope")})
    html = client.get(submission.get_absolute_url()).content.decode()
    assert "<b>x.pdf" not in html
    assert "&lt;b&gt;x.pdf" in html


def test_html_through_the_api_is_returned_as_data(client: Any, edition: Edition, author: Any) -> None:
    client.force_login(author)
    response = client.post(API, api_data(title=HTML_TITLE), content_type="application/json")
    assert response.status_code == 201
    assert response.json()["title"] == HTML_TITLE
    assert response["Content-Type"] == "application/json"


def test_an_accepted_upload_with_html_in_its_name_is_stored_safely(
    client: Any, submission: Submission, author: Any
) -> None:
    client.force_login(author)
    response = client.post(f"{API}1/paper/", {"file": upload("../../<b>evil</b>.pdf", make_pdf())})
    assert response.status_code == 201
    version = current_paper(submission)
    assert version is not None
    assert ".." not in version.file.name
    assert version.file.name.startswith(f"submissions/{submission.edition_id}/")


@pytest.mark.parametrize("name", ["paper." + "x" * 40, "paper." + "x" * 260, "paper.p df", "paper.pdf.<b>"])
def test_an_odd_file_extension_still_stores_the_file_under_its_sha256(
    client: Any, submission: Submission, author: Any, name: str
) -> None:
    client.force_login(author)
    response = client.post(f"{API}1/paper/", {"file": upload(name, make_pdf())})
    assert response.status_code == 201
    version = current_paper(submission)
    assert version is not None
    assert version.sha256 in version.file.name
    assert version.original_name in name  # Django keeps at most 255 characters of a name
    with version.file.open("rb") as handle:
        assert handle.read() == make_pdf()
