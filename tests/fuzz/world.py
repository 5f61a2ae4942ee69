"""The data the API is fuzzed against: the demo's editions (taking abstracts, and in review with
reviews, a discussion, released reviews and a response), with fewer papers and quick PDFs, and an
API token for each role.

Run as a script (``python -m tests.fuzz.world``) it seeds the database of ``DATABASE_URL`` and
prints the tokens as JSON: the SQLite run seeds its gunicorn's database that way.
"""

from __future__ import annotations

import io
import json
from typing import Any
from unittest import mock

# Who fuzzes: the demo's logins (README), one per role.
ROLE_EMAILS = {
    "author": "author-01@ethz.example.ch",
    "pc_member": "pc-sys-02@cmu.example.edu",
    "chair": "chair@mlsys.example.org",
}
# Edition slugs the fuzzer is steered to (besides the ones it makes up): the demo's three editions.
EDITION_SLUGS = ("mlsys2027-review", "mlsys2027", "mlsys2026")
PAPERS = 8  # per edition: enough for every state the demo shows, few enough to seed in seconds


def quick_paper_pdf(title: str, abstract: str, pages_of_text: int = 3) -> bytes:
    """A small PDF with the title and abstract as text, made with reportlab instead of
    WeasyPrint (which takes most of a second per paper)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    for page in range(1 + pages_of_text):
        pdf.drawString(72, 720, title[:90])
        pdf.drawString(72, 700, abstract[:90] if page == 0 else f"Section {page}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def seed_fuzz_world() -> dict[str, Any]:
    """Seeds the demo and makes an API token per role. Returns ``tokens`` (role -> secret) and
    what the fuzzer must not take away from itself (:data:`tests.fuzz.hooks.PROTECTED`): those
    tokens, and the fuzzing users' roles (a chair who revokes their own chair role fuzzes the
    rest of the run as nobody)."""
    from accounts.models import User
    from accounts.services import api_token_create
    from conferences.models import Role
    from site_pages.demo import seed_demo

    with mock.patch("site_pages.demo.make_paper_pdf", quick_paper_pdf):
        seed_demo(papers=PAPERS, review_phase=True)
    tokens, token_ids = {}, []
    for role, email in ROLE_EMAILS.items():
        user = User.objects.get(email=email)
        api_token_create(user=user, name="another token, for the fuzzer to revoke")
        token, tokens[role] = api_token_create(user=user, name=f"fuzz {role}")
        token_ids.append(token.pk)
    role_ids = list(Role.objects.filter(user__email__in=ROLE_EMAILS.values()).values_list("pk", flat=True))
    return {"tokens": tokens, "protected": {"token_id": token_ids, "role_id": role_ids}}


if __name__ == "__main__":
    import django
    from django.conf import settings

    django.setup()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as in tests: fast
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # not on stdout
    print(json.dumps(seed_fuzz_world()))  # noqa: T201 - the script's output
