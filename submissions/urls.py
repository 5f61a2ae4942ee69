from django.urls import path

from submissions import dispute_views, views

app_name = "submissions"
urlpatterns = [
    path("submissions/", views.my_submissions, name="mine"),
    path("submissions/new/", views.submission_new, name="new"),
    path("submissions/<int:number>/", views.submission_detail, name="detail"),
    path("submissions/<int:number>/edit/", views.submission_edit, name="edit"),
    path("submissions/<int:number>/upload/<str:kind>/", views.file_upload, name="upload"),
    path("submissions/<int:number>/withdraw/", views.submission_withdraw, name="withdraw"),
    path("submissions/<int:number>/restore/", views.submission_restore, name="restore"),
    path("submissions/<int:number>/desk-reject/", views.submission_desk_reject, name="desk_reject"),
    path("submissions/<int:number>/extension/", views.submission_extension, name="extension"),
    path("submissions/<int:number>/conflicts/", views.author_conflicts, name="conflicts"),
    path("submissions/<int:number>/files/<int:file_id>/", views.file_download, name="file"),
    path("submissions/not-an-author/<str:token>/", dispute_views.not_an_author, name="not_an_author"),
    path("pc/conflicts/", views.pc_conflicts, name="pc_conflicts"),
    path("chair/submissions/", views.submission_list, name="list"),
]
