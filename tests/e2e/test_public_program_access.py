"""The public program is accessible, measured in Chromium on every public page: the text's
contrast against its real background is at least 4.5:1 (3:1 for large text), every link and
button is reached by the Tab key in document order and shows where the focus is, images have
alternative text, form fields have labels, one h1 and a language."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from conferences.models import Edition
from tests.program.factories import sample_program

pytestmark = pytest.mark.django_db(transaction=True)

# For each element with text of its own: its colour, the first opaque background behind it, and
# whether it is large (WCAG: 24px, or 18.66px bold). Colours as sRGB channels.
LOW_CONTRAST = """() => {
  const channels = (css) => (css.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => [r, g, b].map((v) => {
    v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const c = channels(getComputedStyle(node).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const problems = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const style = getComputedStyle(el);
    if (!own || !el.getClientRects().length || style.visibility === 'hidden') continue;
    if (el.closest('.skip-link, .visually-hidden')) continue;
    const [fg, bg] = [luminance(channels(style.color).slice(0, 3)), luminance(background(el))];
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const what = `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 30)}"`;
    if (ratio < needed) problems.push(`${what} ${ratio.toFixed(2)}`);
  }
  return problems;
}"""
FIRST_IN_DOCUMENT = "document.querySelector('a[href], button, input, select, textarea').className"
# The text of each link, button and field a visitor can reach, in document order.
FOCUSABLE = """[...document.querySelectorAll('a[href], button, input, select, textarea')]
  .filter((el) => el.getClientRects().length)
  .map((el) => (el.textContent || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 40))"""
FOCUSED = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return {text: (el.textContent || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 40),
          visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0};
}"""


def test_every_public_page_reads_well_and_works_with_the_keyboard(
    page: Page, live_server: Any, edition: Edition
) -> None:
    program = sample_program(edition)
    slug = edition.slug
    pages = [
        reverse("program:public_schedule", args=[slug]),
        reverse("program:public_session", args=[slug, program.sessions["talks"].pk]),
        reverse("program:public_paper", args=[slug, 1]),
        reverse("program:public_authors", args=[slug]),
        reverse("program:public_search", args=[slug]) + "?q=kernels",
        reverse("program:public_changes", args=[slug]),
    ]
    for path in pages:
        page.goto(live_server.url + path)
        assert page.evaluate(LOW_CONTRAST) == [], path
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.locator("h1").count() == 1, path
        assert page.locator("img:not([alt])").count() == 0, path
        for field in page.locator("input:not([type=hidden]), select, textarea").all():
            field_id = field.get_attribute("id")
            assert field_id, path
            assert page.locator(f"label[for='{field_id}']").count() == 1, path
        skip = page.locator(".skip-link")
        expect(skip).to_be_attached()
        assert page.evaluate(FIRST_IN_DOCUMENT) == "skip-link", path  # the skip link comes first
        # Start from the skip link whatever the browser's starting point, reached by the keyboard.
        skip.focus()
        page.keyboard.press("Tab")
        page.keyboard.press("Shift+Tab")
        in_order = page.evaluate(FOCUSABLE)
        seen = []
        for step in range(len(in_order)):
            if step:
                page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            assert focused["visible"], f"{path}: no visible focus on {focused['text']!r}"
            seen.append(focused["text"])
        assert seen == in_order, path
