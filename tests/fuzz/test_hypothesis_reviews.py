"""Issue 12: Hypothesis over the review forms, review_save's answers and the discussion's
Markdown. Answers are saved as given or refused with a message per field (the review and its
versions untouched); a chair's form field is added or refused; and whatever a comment says,
what the page shows has no script, no event handler and no javascript: link."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conferences.models import Edition
from reviews import configuration, markdown, services
from reviews.forms import FieldForm, levels_from_text
from reviews.models import FormKind, Review, ReviewField, ReviewVersion
from submissions.models import Submission
from tests.factories.reviews import COMPLETE_REVIEW, assign, open_reviewing
from tests.fuzz.strategies import attempt, mostly, odd_text, rolled_back, short_text


@pytest.fixture
def reviewing(edition: Edition, submission: Submission, pc_systems: Any) -> Submission:
    """Paper #1 in its reviewing phase, committed to a Systems reviewer."""
    open_reviewing(edition)
    assign(submission, pc_systems)
    return submission


KEYS = sorted(COMPLETE_REVIEW)
answer_values = st.one_of(
    odd_text(300),
    st.sampled_from([1, 2, 3, 4, 5, "3", "yes", "no", "maybe", " 4", "04", "4.0", True, False, None, ""]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
answers_strategy = st.dictionaries(mostly(st.sampled_from(KEYS), odd_text(12)), answer_values, max_size=len(KEYS) + 1)


def _state(review: Review) -> tuple[Any, ...]:
    review.refresh_from_db()
    return review.answers, review.state, review.version, ReviewVersion.objects.filter(review=review).count()


@pytest.mark.django_db
@example(changes={"summary": "NUL \x00"}, start_complete=False, submit=False)
@settings(max_examples=80)
@given(changes=answers_strategy, start_complete=st.booleans(), submit=st.booleans())
def test_review_save_saves_or_refuses_any_answers(
    reviewing: Submission, pc_systems: Any, changes: dict[str, Any], start_complete: bool, submit: bool
) -> None:
    with rolled_back():
        review = services.review_open(by=pc_systems, submission=reviewing)
        answers = {**COMPLETE_REVIEW, **changes} if start_complete else changes
        before = _state(review)
        saved, refused = attempt(
            lambda: services.review_save(by=pc_systems, review=review, answers=answers, submit=submit)
        )
        if refused is not None:
            assert refused.message_dict  # one message per field (or __all__)
            assert all(messages for messages in refused.message_dict.values())
            assert _state(review) == before
            return
        assert saved is not None
        stored = Review.objects.get(pk=saved.pk)
        assert stored.answers == json.loads(json.dumps(saved.answers))
        assert set(stored.answers) <= set(KEYS)
        if submit:
            assert stored.is_submitted
            assert ReviewVersion.objects.filter(review=stored, version=stored.version).exists()


level_lines = st.lists(
    st.one_of(
        st.builds(lambda v, label: f"{v}: {label}", st.integers(-5, 12), short_text(20)),
        st.sampled_from(["²: squared", "--1: minus minus", "-: dash", "1:", ": no value", "٣: Arabic three", "x"]),
        odd_text(40),
    ),
    max_size=6,
).map("\n".join)


@example(field_type="score", text="1: one\n\u00b2: squared\n--1: minus minus")
@settings(max_examples=500)
@given(field_type=st.sampled_from(["score", "choice"]), text=level_lines)
def test_typed_levels_are_read_or_refused_never_crash(field_type: str, text: str) -> None:
    """The levels a chair types ("²: squared" and "--1: x" once raised ValueError: a 500)."""
    levels = levels_from_text(field_type, text)
    cleaned, refused = attempt(lambda: configuration.clean_levels(field_type, levels))
    if refused is not None:
        assert refused.message_dict["levels"]
        return
    assert cleaned is not None
    assert 2 <= len(cleaned) <= configuration.MAX_LEVELS
    if field_type == "score":
        assert all(type(value) is int for value, _ in cleaned)


@pytest.mark.django_db
@settings(max_examples=80)
@given(
    label=mostly(short_text(40), odd_text(210)),
    help_text=odd_text(60),
    field_type=mostly(st.sampled_from(["text", "score", "choice", "checkbox"]), odd_text(10)),
    levels=level_lines,
    min_words=st.one_of(st.just(""), st.integers(-3, 20_000).map(str), odd_text(8)),
    max_words=st.one_of(st.just(""), st.integers(-3, 20_000).map(str), odd_text(8)),
    audience=st.sampled_from(["authors", "pc", "chairs", "nobody"]),
)
def test_a_chairs_form_field_is_added_or_refused(
    edition: Edition,
    chair: Any,
    label: str,
    help_text: str,
    field_type: str,
    levels: str,
    min_words: str,
    max_words: str,
    audience: str,
) -> None:
    data = {
        "label": label,
        "help_text": help_text,
        "type": field_type,
        "levels": levels,
        "min_words": min_words,
        "max_words": max_words,
        "required": "on",
        "audience": audience,
    }
    with rolled_back():
        form = FieldForm(data)
        if not form.is_valid():
            assert form.errors
            return
        count = ReviewField.objects.count()
        field, refused = attempt(
            lambda: configuration.field_add(by=chair, edition=edition, kind=FormKind.REVIEW, **form.values())
        )
        if refused is not None:
            assert refused.messages
            assert ReviewField.objects.count() == count
            return
        assert field is not None
        field.refresh_from_db()
        assert field.label == label.strip()
        assert field.key
        values = [value for value, _ in field.levels]
        assert len(values) == len(set(values))


# --- The discussion's Markdown ----------------------------------------------------------------

PIECES = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](java\tscript:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox)",
        "<a href='javascript:alert(1)'>x</a>",
        "![img](javascript:alert(1))",
        "<svg onload=alert(1)>",
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
        "$\\href{javascript:alert(1)}{x}$",
        "$$\\style{color:red}{x}$$",
        "$<script>$",
        "$x$ $$\\frac{1}{2}$$",
        "`<script>`",
        "```\n<script>\n```",
        "> " * 30 + "deep",
        "- " * 30 + "list",
        "| a | b |\n|---|---|\n| <b onclick=x> | 2 |",
        "<!-- comment --><style>body{}</style>",
        "@Reviewer A",
        "\x00",
        "[a]: javascript:alert(1)\n[a]",
        "<javascript:alert(1)>",
        '<https://example.org/"onmouseover="alert(1)>',
    ]
)
comment_text = st.lists(st.one_of(PIECES, odd_text(80)), max_size=6).map("".join)
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRIBUTES = {"href", "src", "xlink:href", "action", "formaction", "background", "poster"}


class _Tags(HTMLParser):
    """Every tag and attribute of the rendered HTML, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


@settings(max_examples=300)
@given(text=comment_text)
def test_rendered_markdown_stays_sanitized_for_any_input(text: str) -> None:
    html = str(markdown.render(text))
    parser = _Tags()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in markdown.ALLOWED_TAGS, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            assert name in markdown.ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}, html
            if name in URL_ATTRIBUTES:
                scheme = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
                assert not scheme.startswith(UNSAFE_SCHEMES), html
    assert markdown.clean(html) == html  # already clean: the allow-list has nothing left to remove
