"""The demo's papers read like papers: every title and abstract starts with its first word."""

from __future__ import annotations

import json
import re

import pytest

from site_pages.demo import PAPERS_FILE

RECORDS = json.loads(PAPERS_FILE.read_text())


@pytest.mark.parametrize("field", ["title", "abstract"])
def test_demo_texts_start_with_their_first_word(field: str) -> None:
    starts = [record[field][:30] for record in RECORDS if not re.match(r"\w", record[field])]
    assert starts == []
