from django.urls import path

from committees import views

app_name = "committees"
urlpatterns = [
    path("chair/committee/", views.committee, name="committee"),
    path("chair/committee/invite/", views.invite, name="invite"),
    path("chair/committee/invite-many/", views.invite_bulk, name="invite_bulk"),
    path("chair/committee/add/", views.role_add, name="role_add"),
    path("chair/committee/<int:role_id>/remove/", views.role_remove, name="role_remove"),
    path("chair/committee/<int:role_id>/load/", views.role_load, name="role_load"),
    path(
        "chair/committee/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "chair/committee/invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    # The invitee's page: the token is the credential, so no edition visibility check.
    path("invitations/<slug:token>/", views.invitation, name="invitation"),
    path("invitations/<slug:token>/accept/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<slug:token>/decline/", views.invitation_decline, name="invitation_decline"),
]
