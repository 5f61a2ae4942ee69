from django.contrib import admin

from bidding.models import Affinity, Bid


@admin.register(Bid)
class BidAdmin(admin.ModelAdmin):
    list_display = ("submission", "user", "level", "updated_at")
    list_filter = ("level", "submission__edition")
    search_fields = ("user__email", "submission__title")
    raw_id_fields = ("submission", "user")


@admin.register(Affinity)
class AffinityAdmin(admin.ModelAdmin):
    list_display = ("submission", "user", "score", "computed_at")
    list_filter = ("submission__edition",)
    search_fields = ("user__email", "submission__title")
    raw_id_fields = ("submission", "user")
