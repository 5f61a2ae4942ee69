"""The chairs' configuration of joint review: the form's fields (add, edit, reorder, remove or
retire), levels that answers use, the visibility settings and the rounds, through the services,
the pages and the API."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actionlog.models import Action
from conferences.access import access_for
from conferences.models import Edition
from conferences.phases import format_aoe, format_in
from mlsys_conf.policy import PolicyDenied
from reviews import configuration, services
from reviews.models import FieldAudience, FieldType, FormKind, Review, ReviewField, ReviewRound, ReviewSettings
from reviews.selectors import current_round, form_fields, paper_reviews
from reviews.visibility import can_view_review
from submissions.models import Submission
from tests.factories.reviews import COMPLETE_REVIEW, write_review

pytestmark = pytest.mark.django_db

MERIT_LEVELS = [[1, "Reject"], [2, "Borderline"], [3, "Accept"]]


def keys(edition: Edition, kind: FormKind = FormKind.REVIEW) -> list[str]:
    return [field.key for field in form_fields(edition, kind)]


def field_of(edition: Edition, key: str, kind: FormKind = FormKind.REVIEW) -> ReviewField:
    form_fields(edition, kind)  # the default forms exist
    return ReviewField.objects.get(form__edition=edition, form__kind=kind, key=key)


def form_url(edition: Edition, name: str = "form", **kwargs: Any) -> str:
    return reverse(f"reviews:{name}", kwargs={"edition_slug": edition.slug, **kwargs})


# --- Fields: add, edit, reorder -----------------------------------------------------------


def test_a_chair_adds_each_type_of_field_at_the_end_with_a_key_made_from_its_label(
    edition: Edition, chair: Any
) -> None:
    before = keys(edition)
    novelty = configuration.field_add(
        by=chair, edition=edition, kind=FormKind.REVIEW, label="Novelty", type=FieldType.SCORE, levels=MERIT_LEVELS
    )
    essay = configuration.field_add(
        by=chair,
        edition=edition,
        kind=FormKind.REVIEW,
        label="Ethical concerns?",
        type=FieldType.TEXT,
        min_words=5,
        max_words=200,
        help_text="Anything the chairs should know.",
        audience=FieldAudience.PC,
        required=False,
    )
    venue = configuration.field_add(
        by=chair,
        edition=edition,
        kind=FormKind.REVIEW,
        label="Best venue",
        type=FieldType.CHOICE,
        levels=[["mlsys", "MLSys"], ["osdi", "OSDI"]],
    )
    seen = configuration.field_add(
        by=chair, edition=edition, kind=FormKind.REVIEW, label="Novelty", type=FieldType.CHECKBOX
    )
    assert keys(edition) == [*before, "novelty", "ethical_concerns", "best_venue", "novelty_2"]
    assert (essay.min_words, essay.max_words, essay.audience, essay.required) == (5, 200, "pc", False)
    assert novelty.levels == MERIT_LEVELS
    assert venue.levels == [["mlsys", "MLSys"], ["osdi", "OSDI"]]
    assert seen.key == "novelty_2"
    logged = Action.objects.get(action="review_form.field_added", target_id=novelty.pk)
    assert logged.actor == chair
    assert logged.changes["label"] == [None, "Novelty"]


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ({"type": FieldType.SCORE, "levels": [[1, "Only one"]]}, "between 2 and"),
        ({"type": FieldType.SCORE, "levels": [[2, "High"], [1, "Low"]]}, "ascending"),
        ({"type": FieldType.SCORE, "levels": [[1, "A"], ["x", "B"]]}, "whole number"),
        ({"type": FieldType.CHOICE, "levels": [["a", "A"], ["a", "Again"]]}, "same value"),
        ({"type": FieldType.TEXT, "min_words": 50, "max_words": 10}, "at least the minimum"),
        ({"type": FieldType.TEXT, "levels": [[1, "A"], [2, "B"]]}, "Only scores and choices"),
    ],
)
def test_a_malformed_field_is_refused(edition: Edition, chair: Any, spec: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        configuration.field_add(by=chair, edition=edition, kind=FormKind.REVIEW, label="Odd", **spec)
    assert "odd" not in keys(edition)


def test_editing_a_field_changes_what_it_asks_but_never_its_key(edition: Edition, chair: Any) -> None:
    field = field_of(edition, "merit")
    configuration.field_change(
        by=chair,
        field=field,
        label="Overall recommendation",
        help_text="Your verdict.",
        levels=[[level, label.upper()] for level, label in field.levels],
        audience=FieldAudience.PC,
    )
    field.refresh_from_db()
    assert (field.key, field.label, field.help_text, field.audience) == (
        "merit",
        "Overall recommendation",
        "Your verdict.",
        "pc",
    )
    assert field.levels[0] == [1, "STRONG REJECT"]
    summary = field_of(edition, "summary")
    configuration.field_change(by=chair, field=summary, min_words=0, max_words=100)
    summary.refresh_from_db()
    assert (summary.min_words, summary.max_words) == (0, 100)
    with pytest.raises(ValidationError, match="cannot be changed: key"):
        configuration.field_change(by=chair, field=summary, key="abstract")
    assert Action.objects.filter(action="review_form.field_changed", target_id=field.pk).exists()


def test_fields_are_reordered_and_the_form_asks_them_in_the_new_order(edition: Edition, chair: Any) -> None:
    before = keys(edition)
    configuration.field_move(by=chair, field=field_of(edition, "merit"), to=1)
    assert keys(edition) == ["merit", *[key for key in before if key != "merit"]]
    configuration.field_move(by=chair, field=field_of(edition, "merit"), to=99)  # past the end: last
    assert keys(edition)[-1] == "merit"
    moved = Action.objects.filter(action="review_form.field_moved").latest("pk")
    assert moved.changes["position"] == [1, len(before)]


# --- Removing: deleted if unanswered, else retired with its answers kept ---------------------


def test_removing_a_field_nobody_answered_deletes_it(edition: Edition, chair: Any) -> None:
    assert configuration.field_remove(by=chair, field=field_of(edition, "bridge")) is True
    assert not ReviewField.objects.filter(form__edition=edition, key="bridge").exists()
    assert Action.objects.filter(action="review_form.field_deleted").exists()


def test_removing_an_answered_field_retires_it_and_the_reviewers_answer_survives_later_saves(
    reviewing: Submission, chair: Any, pc_systems: Any
) -> None:
    edition = reviewing.edition
    review = write_review(reviewing, pc_systems, bridge="partly")
    assert configuration.field_remove(by=chair, field=field_of(edition, "bridge")) is False
    field = field_of(edition, "bridge")
    assert field.retired
    assert "bridge" not in keys(edition)
    assert "bridge" in [f.key for f in form_fields(edition, FormKind.REVIEW, with_retired=True)]
    answers = {key: value for key, value in COMPLETE_REVIEW.items() if key != "bridge"}
    services.review_save(by=pc_systems, review=review, answers={**answers, "merit": 5}, submit=True)
    review.refresh_from_db()
    assert review.answers["bridge"] == "partly"
    assert review.answers["merit"] == 5
    assert review.versions.latest("version").answers["bridge"] == "partly"
    # A new field with the same label gets a new key: the old answers never mean something else.
    added = configuration.field_add(
        by=chair, edition=edition, kind=FormKind.REVIEW, label="Bridge", type=FieldType.CHECKBOX
    )
    assert added.key == "bridge_2"


def test_a_draft_answer_is_enough_to_retire_rather_than_delete(
    reviewing: Submission, chair: Any, pc_systems: Any
) -> None:
    write_review(reviewing, pc_systems, submit=False, pc_comments="Between us: borderline.")
    assert configuration.field_remove(by=chair, field=field_of(reviewing.edition, "pc_comments")) is False


def test_the_form_page_lists_retired_fields_as_no_longer_asked_and_can_ask_them_again(
    client: Any, reviewing: Submission, chair: Any, pc_systems: Any
) -> None:
    edition = reviewing.edition
    write_review(reviewing, pc_systems)
    client.force_login(chair)
    response = client.post(form_url(edition, "field_remove", kind="review", key="merit"), follow=True)
    assert "retired" in response.content.decode()
    page = client.get(form_url(edition, kind="review")).content.decode()
    retired = page.split('id="retired-fields"')[1]
    assert "Overall merit" in retired
    assert "(no longer asked" in retired
    client.post(form_url(edition, "field_restore", kind="review", key="merit"))
    assert keys(edition)[-1] == "merit"


# --- Levels that answers use ------------------------------------------------------------------


def test_a_level_an_answer_uses_cannot_be_removed_but_may_be_relabelled(
    reviewing: Submission, chair: Any, pc_systems: Any, pc_ml: Any
) -> None:
    edition = reviewing.edition
    write_review(reviewing, pc_systems, merit=6)
    write_review(reviewing, pc_ml, merit=6)
    merit = field_of(edition, "merit")
    without_six = [level for level in merit.levels if level[0] != 6]
    with pytest.raises(ValidationError) as refused:
        configuration.field_change(by=chair, field=merit, levels=without_six)
    assert refused.value.message_dict["levels"] == [
        'The level 6 ("Strong accept") cannot be removed: 2 reviews use it.'
    ]
    merit.refresh_from_db()
    assert merit.levels[-1] == [6, "Strong accept"]
    # An unused level may go; a used one may be renamed; a new one may be added.
    relabelled = [[1, "Strong reject"], *merit.levels[2:-1], [6, "Outstanding"], [7, "Award"]]
    configuration.field_change(by=chair, field=merit, levels=relabelled)
    merit.refresh_from_db()
    assert merit.levels == relabelled


def test_the_level_refusal_is_shown_on_the_edit_page(
    client: Any, reviewing: Submission, chair: Any, pc_systems: Any
) -> None:
    edition = reviewing.edition
    write_review(reviewing, pc_systems, confidence=4)
    client.force_login(chair)
    response = client.post(
        form_url(edition, "field", kind="review", key="confidence"),
        {
            "label": "Reviewer confidence",
            "levels": "1: Guess\n2: Fair\n3: Sure",
            "required": "on",
            "audience": "authors",
        },
    )
    assert response.status_code == 200
    assert "cannot be removed: 1 review uses it" in response.content.decode()
    assert field_of(edition, "confidence").levels[-1] == [4, "Certain"]


# --- Settings and visibility ------------------------------------------------------------------


def test_pc_sees_reviews_always_lets_an_assigned_reviewer_see_before_reviewing(
    reviewing: Submission, chair: Any, pc_systems: Any, pc_ml: Any
) -> None:
    edition = reviewing.edition
    first = write_review(reviewing, pc_systems)

    def ml_sees() -> bool:
        paper = Submission.objects.select_related("edition").get(pk=reviewing.pk)
        return can_view_review(access_for(pc_ml, paper.edition), paper_reviews(paper), first)

    assert not ml_sees()  # the default: after their own review
    configuration.settings_change(by=chair, edition=edition, pc_sees_reviews="always")
    assert ml_sees()
    configuration.settings_change(by=chair, edition=edition, pc_sees_reviews="never")
    assert not ml_sees()
    logged = Action.objects.filter(action="review_settings.changed").latest("pk")
    assert logged.changes == {"pc_sees_reviews": ["always", "never"]}


def test_settings_are_checked(edition: Edition, chair: Any) -> None:
    with pytest.raises(ValidationError):
        configuration.settings_change(by=chair, edition=edition, response_word_limit=5)
    with pytest.raises(ValidationError):
        configuration.settings_change(by=chair, edition=edition, pc_sees_reviews="sometimes")
    assert not ReviewSettings.objects.filter(edition=edition, response_word_limit=5).exists()


def test_the_settings_page_saves(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    url = form_url(edition, "settings")
    assert "PC members see a paper" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "pc_sees_reviews": "after_all",
            "pc_sees_names": "never",
            "response_per_review": "on",
            "response_word_limit": "500",
            "reminder_days_before": "2",
        },
    )
    assert response.status_code == 302
    saved = ReviewSettings.objects.get(edition=edition)
    assert (saved.pc_sees_reviews, saved.pc_sees_names, saved.response_per_review) == ("after_all", "never", True)
    assert (saved.response_word_limit, saved.reminder_days_before) == (500, 2)


# --- Rounds --------------------------------------------------------------------------------------


def test_a_chair_adds_round_two_with_a_deadline_typed_in_the_edition_zone(
    client: Any, edition: Edition, chair: Any
) -> None:
    client.force_login(chair)
    response = client.post(
        form_url(edition, "round_add"), {"name": "R2", "closes_at": "2027-03-01T23:59:59", "closes_at_zone": "edition"}
    )
    assert response.status_code == 302
    second = ReviewRound.objects.get(edition=edition, name="R2")
    expected = datetime(2027, 3, 1, 23, 59, 59, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert second.closes_at == expected
    assert current_round(edition) == second
    assert list(ReviewRound.objects.filter(edition=edition).values_list("name", flat=True)) == ["R1", "R2"]
    page = client.get(form_url(edition, "settings")).content.decode()
    assert format_in(expected, ZoneInfo("America/Los_Angeles")) in page
    assert format_aoe(expected) in page
    assert Action.objects.filter(action="review_round.added").exists()


def test_a_round_is_renamed_and_its_deadline_typed_in_aoe(client: Any, edition: Edition, chair: Any) -> None:
    first = current_round(edition)
    client.force_login(chair)
    response = client.post(
        form_url(edition, "round", round_id=first.pk),
        {"name": "Round 1", "closes_at": "2027-02-01T23:59:59", "closes_at_zone": "aoe"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.name == "Round 1"
    assert first.closes_at == datetime(2027, 2, 2, 11, 59, 59, tzinfo=UTC)
    with pytest.raises(ValidationError, match="already"):
        configuration.round_add(by=chair, edition=edition, name="Round 1")


# --- Who may configure ----------------------------------------------------------------------


def test_services_refuse_anyone_but_a_chair(edition: Edition, pc_systems: Any) -> None:
    merit = form_fields(edition, FormKind.REVIEW)[5]
    attempts = [
        lambda: configuration.field_add(
            by=pc_systems, edition=edition, kind=FormKind.REVIEW, label="X", type=FieldType.CHECKBOX
        ),
        lambda: configuration.field_change(by=pc_systems, field=merit, label="X"),
        lambda: configuration.field_move(by=pc_systems, field=merit, to=1),
        lambda: configuration.field_remove(by=pc_systems, field=merit),
        lambda: configuration.settings_change(by=pc_systems, edition=edition, pc_sees_reviews="always"),
        lambda: configuration.round_add(by=pc_systems, edition=edition, name="R2"),
        lambda: configuration.round_change(by=pc_systems, review_round=current_round(edition), name="R9"),
    ]
    for attempt in attempts:
        with pytest.raises(PolicyDenied):
            attempt()
    assert not Action.objects.filter(action__startswith="review_").exists()


@pytest.mark.parametrize(
    ("method", "name", "kwargs"),
    [
        ("get", "reviews:forms", {}),
        ("get", "reviews:form", {"kind": "meta"}),
        ("post", "reviews:form", {"kind": "review"}),
        ("get", "reviews:field", {"kind": "review", "key": "merit"}),
        ("post", "reviews:field_move", {"kind": "review", "key": "merit"}),
        ("post", "reviews:field_remove", {"kind": "review", "key": "merit"}),
        ("get", "reviews:settings", {}),
        ("post", "reviews:round_add", {}),
        ("get", "api:review-field-list", {"kind": "review"}),
        ("post", "api:review-field-list", {"kind": "review"}),
        ("delete", "api:review-field-detail", {"kind": "review", "key": "merit"}),
        ("patch", "api:review-settings", {}),
        ("post", "api:review-round-list", {}),
    ],
)
def test_non_chairs_get_403(
    client: Any, edition: Edition, pc_systems: Any, method: str, name: str, kwargs: dict[str, str]
) -> None:
    client.force_login(pc_systems)
    response = getattr(client, method)(
        reverse(name, kwargs={"edition_slug": edition.slug, **kwargs}), content_type="application/json"
    )
    assert response.status_code == 403
    assert field_of(edition, "merit").retired is False


# --- The pages ------------------------------------------------------------------------------


def test_a_chair_adds_edits_moves_and_removes_a_field_on_the_pages(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    page = client.get(form_url(edition, "forms"))
    assert page.status_code == 200
    assert "Overall merit" in page.content.decode()
    response = client.post(
        form_url(edition, kind="meta"),
        {
            "label": "Award candidate",
            "type": "choice",
            "levels": "No\nBest paper\nyes_student: Best student paper",
            "audience": "pc",
        },
    )
    assert response.status_code == 302
    added = field_of(edition, "award_candidate", FormKind.META)
    assert added.levels == [["no", "No"], ["best_paper", "Best paper"], ["yes_student", "Best student paper"]]
    assert (added.required, added.audience) == (False, "pc")
    response = client.post(
        form_url(edition, "field", kind="meta", key="award_candidate"),
        {
            "label": "Award?",
            "help_text": "For the chairs.",
            "levels": "no: No\nbest_paper: Best paper",
            "audience": "pc",
        },
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.label, added.help_text, added.key) == ("Award?", "For the chairs.", "award_candidate")
    assert added.levels == [["no", "No"], ["best_paper", "Best paper"]]
    client.post(form_url(edition, "field_move", kind="meta", key="award_candidate"), {"direction": "up"})
    assert keys(edition, FormKind.META)[-2] == "award_candidate"
    client.post(form_url(edition, "field_move", kind="meta", key="award_candidate"), {"direction": "down"})
    assert keys(edition, FormKind.META)[-1] == "award_candidate"
    client.post(form_url(edition, "field_remove", kind="meta", key="award_candidate"))
    assert "award_candidate" not in keys(edition, FormKind.META)


def test_a_score_typed_as_labels_only_is_numbered_from_one(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    client.post(
        form_url(edition, kind="review"),
        {"label": "Clarity", "type": "score", "levels": "Poor\nFair\nGood", "required": "on", "audience": "authors"},
    )
    assert field_of(edition, "clarity").levels == [[1, "Poor"], [2, "Fair"], [3, "Good"]]


def test_an_unknown_form_kind_is_not_found(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    assert client.get(form_url(edition, kind="paper")).status_code == 404


# --- The API --------------------------------------------------------------------------------


def test_api_round_trip(client: Any, reviewing: Submission, chair: Any, pc_systems: Any) -> None:
    edition = reviewing.edition
    client.force_login(chair)
    base = f"/api/editions/{edition.slug}"
    listed = client.get(f"{base}/review-forms/review/fields/").json()
    assert [field["key"] for field in listed][:2] == ["summary", "strengths"]
    assert listed[5]["levels"][0] == {"value": 1, "label": "Strong reject"}

    created = client.post(
        f"{base}/review-forms/review/fields/",
        {
            "label": "Artifact promised",
            "type": "score",
            "levels": [{"value": 0, "label": "No"}, {"value": 1, "label": "Yes"}],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["key"] == "artifact_promised"
    url = f"{base}/review-forms/review/fields/artifact_promised/"
    changed = client.patch(url, {"label": "Artifact", "position": 1}, content_type="application/json")
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["label"], changed.json()["position"], changed.json()["key"]) == (
        "Artifact",
        1,
        "artifact_promised",
    )
    assert keys(edition)[0] == "artifact_promised"
    bad = client.patch(url, {"levels": [{"value": 1, "label": "Yes"}]}, content_type="application/json")
    assert bad.status_code == 400
    assert client.delete(url).status_code == 204

    write_review(reviewing, pc_systems)
    merit = client.get(f"{base}/review-forms/review/fields/merit/").json()
    assert merit["answers"] == 1
    refused = client.patch(
        f"{base}/review-forms/review/fields/merit/",
        {"levels": [{"value": 1, "label": "Reject"}, {"value": 2, "label": "Accept"}]},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "1 review uses it" in str(refused.json())
    retired = client.delete(f"{base}/review-forms/review/fields/merit/")
    assert retired.status_code == 200
    assert retired.json()["retired"] is True

    assert client.get(f"{base}/review-settings/").json()["pc_sees_reviews"] == "after_own"
    patched = client.patch(f"{base}/review-settings/", {"pc_sees_names": "always"}, content_type="application/json")
    assert patched.status_code == 200
    assert patched.json()["pc_sees_names"] == "always"
    assert ReviewSettings.objects.get(edition=edition).pc_sees_names == "always"

    rounds = client.get(f"{base}/review-rounds/").json()
    assert [r["name"] for r in rounds] == ["R1"]
    added = client.post(
        f"{base}/review-rounds/", {"name": "R2", "closes_at": "2027-03-01T23:59:59"}, content_type="application/json"
    )
    assert added.status_code == 201, added.json()
    assert added.json()["deadline_aoe"] == "2027-03-01T19:59:59-12:00"  # PST is UTC-8
    renamed = client.patch(
        f"{base}/review-rounds/{added.json()['id']}/", {"closes_at": None}, content_type="application/json"
    )
    assert renamed.status_code == 200
    assert renamed.json()["closes_at"] is None
    assert renamed.json()["deadline"] is not None  # the reviewing phase's
    assert client.post(f"{base}/review-rounds/", {"name": "R2"}, content_type="application/json").status_code == 400


def test_the_chair_menu_marks_the_form_page_for_either_form(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    page = client.get(form_url(edition, "form", kind="meta")).content.decode()
    assert re.findall(r'href="([^"]+)" aria-current="page"', page) == [form_url(edition, "forms")]
    assert f'href="{form_url(edition, "settings")}"' in page


def test_reviews_of_the_form_are_found_by_kind(reviewing: Submission, chair: Any, pc_systems: Any) -> None:
    """A meta-review's answer does not make a review-form field with the same key "answered"."""
    write_review(reviewing, pc_systems, submit=False, strengths="Good.")
    Review.objects.filter(reviewer=pc_systems).update(kind="meta", answers={"summary": "x"})
    assert configuration.answer_count(field_of(reviewing.edition, "summary", FormKind.META)) == 1
    assert configuration.answer_count(field_of(reviewing.edition, "summary")) == 0


def test_an_option_an_answer_uses_cannot_be_removed_from_a_choice(
    reviewing: Submission, chair: Any, pc_systems: Any
) -> None:
    write_review(reviewing, pc_systems, bridge="partly")
    bridge = field_of(reviewing.edition, "bridge")
    with pytest.raises(ValidationError, match='The level partly \\("Partly"\\) cannot be removed: 1 review uses it'):
        configuration.field_change(by=chair, field=bridge, levels=[["no", "No"], ["yes", "Yes"]])
    configuration.field_change(by=chair, field=bridge, levels=[["yes", "Yes"], ["partly", "In part"]])
    bridge.refresh_from_db()
    assert bridge.levels == [["yes", "Yes"], ["partly", "In part"]]
