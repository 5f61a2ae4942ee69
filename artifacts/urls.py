from django.urls import path

from artifacts import assignment_views, badge_views, evaluation_views, views

app_name = "artifacts"
urlpatterns = [
    path("submissions/<int:number>/artifact/", views.author_artifact, name="author"),
    path("submissions/<int:number>/artifact/appendix/", views.appendix_upload, name="appendix_upload"),
    path("artifacts/", views.artifact_list, name="list"),
    path("artifacts/hardware/", views.own_hardware, name="hardware"),
    path("artifacts/badges/", badge_views.badges_public, name="badges_public"),
    path("artifacts/badges/manage/", badge_views.badges_manage, name="badges_manage"),
    path("artifacts/badges/release/", badge_views.badges_release, name="badges_release"),
    path("artifacts/badges/<int:number>/", badge_views.badges_decide, name="badges_decide"),
    path("artifacts/bidding/", assignment_views.ae_bidding, name="bidding"),
    path("artifacts/assignment/", assignment_views.ae_assignment, name="assignment"),
    path("artifacts/assignment/run/", assignment_views.ae_assignment_run, name="assignment_run"),
    path("artifacts/assignment/commit/", assignment_views.ae_assignments_commit, name="assignment_commit"),
    path(
        "artifacts/assignment/<int:assignment_id>/remove/",
        assignment_views.ae_assignment_remove,
        name="assignment_remove",
    ),
    path("artifacts/<int:number>/", views.artifact_detail, name="detail"),
    path("artifacts/<int:number>/appendix/", views.appendix_download, name="appendix"),
    path("artifacts/stage/", evaluation_views.stage, name="stage"),
    path("artifacts/<int:number>/thread/", evaluation_views.thread, name="thread"),
    path("artifacts/<int:number>/evaluation/", evaluation_views.evaluation_form, name="evaluation"),
    path("artifacts/<int:number>/evaluations/", evaluation_views.evaluation_overview, name="evaluations"),
]
