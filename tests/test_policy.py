"""The shared policy machinery: verdicts, rules by name, ``require`` and the template tag."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from conferences.models import Edition
from mlsys_conf.policy import (
    ALLOW,
    RULES,
    SIGN_IN_FIRST,
    PolicyDenied,
    Verdict,
    check,
    deny,
    require,
    rule,
    when_signed_in,
)

EVERY_RULE = {
    "can_view_edition",
    "can_manage_edition",
    "can_manage_committee",
    "can_use_pc_dashboard",
    "can_use_ae_dashboard",
    "can_place_bids",
    "can_register_submission",
    "can_list_all_submissions",
    "can_view_submission",
    "can_see_authors",
    "can_download_file",
}


TAG = (
    '{% allowed "can_manage_edition" edition as ok %}{% if ok %}may manage{% else %}refused: {{ ok.reason }}{% endif %}'
)


def test_verdicts_are_truthy_only_when_allowed() -> None:
    assert ALLOW
    refused = deny("Because.")
    assert not refused
    assert refused == Verdict(allowed=False, reason="Because.")


def test_every_rule_is_registered_by_name() -> None:
    assert set(RULES) >= EVERY_RULE
    for name in EVERY_RULE:
        assert RULES[name].__name__ == name


def test_a_second_rule_with_the_same_name_is_refused() -> None:
    def can_view_edition(user: Any, edition: Any) -> Verdict:  # pragma: no cover - never called
        return ALLOW

    original = RULES["can_view_edition"]
    with pytest.raises(ValueError, match="Two policy rules are named can_view_edition"):
        rule(can_view_edition)
    assert RULES["can_view_edition"] is original


@pytest.mark.django_db
def test_check_by_name_asks_the_rule(edition: Edition, chair: Any, pc_systems: Any) -> None:
    assert check("can_manage_edition", chair, edition)
    verdict = check("can_manage_edition", pc_systems, edition)
    assert not verdict
    assert "Only the PC chairs" in verdict.reason
    assert check("can_view_edition", AnonymousUser(), edition)


def test_check_unknown_rule_is_a_lookup_error() -> None:
    with pytest.raises(LookupError, match="No policy rule named 'can_fly'"):
        check("can_fly", AnonymousUser())


def test_require_passes_an_allowing_verdict() -> None:
    require(ALLOW)


def test_require_raises_permission_denied_with_the_reason() -> None:
    with pytest.raises(PolicyDenied) as caught:
        require(deny("Not today."))
    assert str(caught.value) == "Not today."
    assert caught.value.verdict.reason == "Not today."


@pytest.mark.django_db
def test_allowed_tag_for_the_chair(rf: RequestFactory, edition: Edition, chair: Any) -> None:
    request = rf.get("/")
    request.user = chair
    assert Template(TAG).render(Context({"request": request, "edition": edition})) == "may manage"


@pytest.mark.django_db
def test_allowed_tag_refuses_with_the_reason(rf: RequestFactory, edition: Edition, pc_ml: Any) -> None:
    request = rf.get("/")
    request.user = pc_ml
    html = Template(TAG).render(Context({"request": request, "edition": edition}))
    assert html == "refused: Only the PC chairs of this edition can change its settings and deadlines."


@pytest.mark.django_db
def test_allowed_tag_for_anonymous(rf: RequestFactory, edition: Edition) -> None:
    request = rf.get("/")
    request.user = AnonymousUser()
    html = Template(TAG).render(Context({"request": request, "edition": edition}))
    assert html == "refused: Please sign in first."


@pytest.mark.django_db
def test_allowed_tag_passes_extra_arguments(rf: RequestFactory, submission: Any, author: Any, pc_ml: Any) -> None:
    template = Template(
        '{% allowed "can_see_authors" submission as show %}{% if show %}authors shown{% else %}hidden{% endif %}'
    )
    for user, expected in ((author, "authors shown"), (pc_ml, "hidden")):
        request = rf.get("/")
        request.user = user
        assert template.render(Context({"request": request, "submission": submission})) == expected


def test_allowed_tag_with_unknown_rule_fails_loudly(rf: RequestFactory) -> None:
    request = rf.get("/")
    request.user = AnonymousUser()
    with pytest.raises(LookupError):
        Template('{% allowed "can_fly" as ok %}').render(Context({"request": request}))


def test_when_signed_in_asks_anonymous_users_to_sign_in_first() -> None:
    assert when_signed_in(AnonymousUser(), True, "never shown") == SIGN_IN_FIRST
    signed_in = type("SignedIn", (), {"is_authenticated": True})()
    assert when_signed_in(signed_in, True, "never shown")
    refused = when_signed_in(signed_in, False, "Only the chairs.")
    assert not refused
    assert refused.reason == "Only the chairs."
