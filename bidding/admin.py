"""The Django admin's read-only view of bids and affinities: they change only through
:mod:`bidding.services`, which check who may make the change and log it."""

from __future__ import annotations

from django.contrib import admin

from bidding.models import Affinity, Bid
from mlsys_conf.admin import ReadOnlyAdminMixin


@admin.register(Bid)
class BidAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("submission", "user", "level", "updated_at")
    list_filter = ("level", "submission__edition")
    search_fields = ("user__email", "submission__title")
    raw_id_fields = ("submission", "user")


@admin.register(Affinity)
class AffinityAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("submission", "user", "score", "computed_at")
    list_filter = ("submission__edition",)
    search_fields = ("user__email", "submission__title")
    raw_id_fields = ("submission", "user")
