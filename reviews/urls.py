from django.urls import path

from reviews import (
    author_views,
    discussion_views,
    export_views,
    external_views,
    quality_views,
    reading_views,
    statistics_views,
    views,
    writing_views,
)
from reviews import configuration_views as configure

app_name = "reviews"
urlpatterns = [
    path("reviews/", reading_views.my_reviews, name="mine"),
    path("reviews/progress/", reading_views.progress, name="progress"),
    path("reviews/papers/<int:number>/", views.paper, name="paper"),
    path("papers/<int:number>/reviews/", author_views.author_reviews, name="author_reviews"),  # the authors' view
    # Writing one's review or meta-review (before the file route, whose <kind> would match them).
    path("reviews/papers/<int:number>/review/", writing_views.write, name="write_review"),
    path("reviews/papers/<int:number>/review/offline/", writing_views.offline, name="offline_review"),
    path(
        "reviews/papers/<int:number>/meta-review/",
        writing_views.write,
        {"form": "meta-review"},
        name="write_meta_review",
    ),
    path(
        "reviews/papers/<int:number>/meta-review/offline/",
        writing_views.offline,
        {"form": "meta-review"},
        name="offline_meta_review",
    ),
    path("reviews/papers/<int:number>/reviews/<int:review_id>/history/", writing_views.history, name="review_history"),
    # The discussion (before the file route, whose <kind> would match "comments" and "follow").
    path("reviews/papers/<int:number>/comments/", discussion_views.post, name="comment_post"),
    path("reviews/papers/<int:number>/comments/<int:comment_id>/", discussion_views.edit, name="comment_edit"),
    path(
        "reviews/papers/<int:number>/comments/<int:comment_id>/history/",
        discussion_views.history,
        name="comment_history",
    ),
    path("reviews/papers/<int:number>/follow/", discussion_views.follow, name="follow"),
    path("reviews/papers/<int:number>/review-types/", views.review_type, name="review_type"),
    path("reviews/notifications/", discussion_views.notifications, name="notifications"),
    path("reviews/papers/<int:number>/external/", external_views.request_external, name="external_request"),
    path("reviews/papers/<int:number>/<str:kind>/", views.paper_file, name="file"),
    # External reviewers: the chairs' list and decisions, and the page of the e-mailed link.
    path("reviews/external/", external_views.requests_list, name="external_requests"),
    path("reviews/external/<int:request_id>/approve/", external_views.approve, name="external_approve"),
    path("reviews/external/<int:request_id>/decline/", external_views.decline, name="external_decline"),
    path("reviews/external/<int:request_id>/withdraw/", external_views.withdraw, name="external_withdraw"),
    path("external-review/<slug:token>/", external_views.link, name="external_link"),
    path("external-review/<slug:token>/accept/", external_views.link_accept, name="external_link_accept"),
    path("external-review/<slug:token>/decline/", external_views.link_decline, name="external_link_decline"),
    # Review quality: rating a review, and the chairs' statistics.
    path("reviews/ratings/<int:review_id>/", quality_views.rate, name="rate"),
    path("reviews/statistics/", statistics_views.statistics, name="statistics"),
    path("reviews/export.csv", export_views.export_csv, name="export"),  # the chairs' reviews export
    # The chairs' configuration: the forms, the settings and the rounds.
    path("reviews/forms/", configure.form_page, name="forms"),
    path("reviews/forms/<str:kind>/", configure.form_page, name="form"),
    path("reviews/forms/<str:kind>/fields/<slug:key>/", configure.field_edit, name="field"),
    path("reviews/forms/<str:kind>/fields/<slug:key>/move/", configure.field_move, name="field_move"),
    path("reviews/forms/<str:kind>/fields/<slug:key>/remove/", configure.field_remove, name="field_remove"),
    path("reviews/forms/<str:kind>/fields/<slug:key>/restore/", configure.field_restore, name="field_restore"),
    path("reviews/settings/", configure.settings_page, name="settings"),
    path("reviews/settings/rounds/", configure.round_add, name="round_add"),
    path("reviews/settings/rounds/<int:round_id>/", configure.round_edit, name="round"),
]
