"""Words that mean one thing on the author's pages: an upload "passed the checks" (an author
reads "accepted" as paper acceptance), and the register form's topic has no empty choice."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from conferences.models import Edition
from submissions.models import Submission, SubmissionFile
from submissions.services import paper_upload
from tests.factories.pdfs import make_pdf
from tests.submissions.helpers import upload


def visible_text(html: str) -> str:
    """The page's words, without tags (a CSS class named "accepted" is not a word a reader sees)."""
    return re.sub(r"<[^>]+>", " ", html)


def test_an_upload_that_passes_the_checks_is_not_called_accepted(
    client: Any, submission: Submission, stored_paper: SubmissionFile, author: Any
) -> None:
    paper_upload(submission=submission, content=b"not a pdf", filename="paper.txt", by=author)
    client.force_login(author)
    html = client.get(submission.get_absolute_url()).content.decode()
    assert "Did not pass the checks:" in html  # the latest upload's check card
    assert '<span class="badge open">passed the checks</span>' in html  # its row in the versions table
    assert '<span class="badge closed">did not pass the checks</span>' in html
    assert not re.search(r"\baccepted\b", visible_text(html), flags=re.IGNORECASE)


def test_the_upload_message_says_the_checks_passed(client: Any, submission: Submission, author: Any) -> None:
    client.force_login(author)
    kwargs = {"edition_slug": submission.edition.slug, "number": submission.number, "kind": "paper"}
    url = reverse("submissions:upload", kwargs=kwargs)
    response = client.post(url, {"file": upload("paper.pdf", make_pdf(2))}, follow=True)
    html = response.content.decode()
    assert "Uploaded; it passed the checks" in html
    assert "Passed the checks:" in html  # the check card
    assert not re.search(r"\baccepted\b", visible_text(html), flags=re.IGNORECASE)


def test_the_register_form_offers_only_real_topics_and_preselects_none(
    client: Any, edition: Edition, author: Any
) -> None:
    client.force_login(author)
    html = client.get(reverse("submissions:new", kwargs={"edition_slug": edition.slug})).content.decode()
    topic_inputs = re.findall(r'<input[^>]*name="topic"[^>]*>', html)
    assert [re.search(r'value="([^"]*)"', tag).group(1) for tag in topic_inputs] == ["systems", "ml", "both"]  # type: ignore[union-attr]
    assert not any("checked" in tag for tag in topic_inputs)
    assert "---------" not in html
