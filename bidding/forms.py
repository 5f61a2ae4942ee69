"""Forms of the bidding page. They check the shape of the input; services check the rules."""

from __future__ import annotations

from django import forms

from bidding.selectors import LEVELS
from bidding.services import CONFLICT
from conferences.models import Area
from mlsys_conf.limits import FILTER_MAX_CHARS, PAGE_MAX, search_form_field

NO_BID = ""

# What the level control offers: no bid, the five levels, and a conflict of interest.
LEVEL_CHOICES = [
    (NO_BID, "No bid"),
    *[(str(level.value), level.label) for level in LEVELS],
    (CONFLICT, "Conflict of interest"),
]


class BidFilterForm(forms.Form):
    q = search_form_field()
    area = forms.ChoiceField(
        choices=[("", "Both halves"), *[(a.value, f"{a.label} papers") for a in Area]], required=False, label="Area"
    )
    keyword = forms.CharField(required=False, max_length=FILTER_MAX_CHARS, label="Keyword")
    status = forms.ChoiceField(
        choices=[("", "Bid or not"), ("unbid", "Not bid on yet"), ("bid", "Bid on")], required=False, label="Bids"
    )
    sort = forms.ChoiceField(
        choices=[("affinity", "Best match first"), ("number", "By number"), ("bid", "Your bid first")],
        required=False,
        label="Sort",
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=PAGE_MAX, widget=forms.HiddenInput)

    def selector_options(self) -> dict[str, str]:
        """The filters as :func:`bidding.selectors.papers_for_bidding` takes them."""
        return {k: v for k, v in self.cleaned_data.items() if v and k != "page"}


class BidForm(forms.Form):
    """One row's bid when JavaScript is off (with it, the row talks to the API)."""

    number = forms.IntegerField(min_value=1)
    level = forms.ChoiceField(choices=LEVEL_CHOICES, required=False)
    next = forms.CharField(required=False, max_length=2000)

    def level_value(self) -> int | str:
        """The level as the service takes it: an int, "conflict", or "" for no bid."""
        level = self.cleaned_data["level"]
        return level if level in (NO_BID, CONFLICT) else int(level)
