"""What people type, and what someone probing the forms would type: Hypothesis strategies
shared by tests/fuzz/test_hypothesis_*.py, and the isolation every example runs in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import strategies as st

T = TypeVar("T")

# Text with every kind of character (NUL, controls, right-to-left marks, astral planes,
# combining marks), but never a lone surrogate, which no browser or JSON parser sends.
ANY_CHARACTER = st.characters(exclude_categories=["Cs"])

TRICKY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "\t\n\x0b\x0c",
    "\u202etxt.exe",
    "\u200b",
    "e\u0301\u0301\u0301",
    "\U0001d54f\U0001d538\U0001d544",  # mathematical double-struck letters
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ user.password }}",
    "{% debug %}",
    "'; DROP TABLE submissions_submission; --",
    "%s%s%s%n",
    "Ω" * 301,
    "x" * 5001,
]


def odd_text(max_size: int = 400) -> st.SearchStrategy[str]:
    """Any text up to ``max_size`` characters, a few hand-picked nasty strings, and runs of one
    character around the usual limits."""
    return st.one_of(
        st.text(ANY_CHARACTER, max_size=max_size),
        st.sampled_from(TRICKY),
        st.builds(
            lambda c, n: c * n,
            st.sampled_from(["a", "é", "\U0001d54f", " ", "\x00"]),
            st.sampled_from([199, 200, 201, 300, 301, 5000, 5001]),
        ),
    )


def short_text(max_size: int = 60) -> st.SearchStrategy[str]:
    """Something a person would type here, in any script (NUL and controls included)."""
    return st.text(ANY_CHARACTER, min_size=1, max_size=max_size)


def mostly(valid: st.SearchStrategy[str], odd: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Three examples in four valid-looking, so that whole forms get past their first field
    and into the services; one in four anything."""
    return st.one_of(valid, valid, valid, odd)


def odd_emails() -> st.SearchStrategy[str]:
    return st.one_of(
        st.emails(),
        st.emails(),
        st.emails(),
        st.sampled_from(
            [
                "ADA@EXAMPLE.ORG",
                " ada@example.org ",
                "ada@example.org\x00",
                "ada@@example.org",
                "ada@localhost",
                "\u0430da@example.org",  # Cyrillic a
                "ada@exämple.org",
                "a" * 250 + "@example.org",
                "ada+tag@example.org",
                '"a b"@example.org',
            ]
        ),
        odd_text(60),
    )


@contextmanager
def rolled_back() -> Iterator[None]:
    """One example's writes, undone afterwards (a savepoint inside the test's transaction)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def attempt(call: Callable[[], T]) -> tuple[T | None, ValidationError | None]:
    """``call()``'s result, or the refusal it raised (any other exception goes on: a crash)."""
    try:
        return call(), None
    except ValidationError as refused:
        return None, refused
