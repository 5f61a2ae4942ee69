"""The chairs' program builder, under ``/<edition>/program/builder/``."""

from django.urls import URLPattern, URLResolver, path

from program import builder_views as views

B = "program/builder/"
urlpatterns: list[URLPattern | URLResolver] = [
    path(B, views.builder, name="builder"),
    path(f"{B}rooms/", views.rooms, name="builder_rooms"),
    path(f"{B}rooms/<int:room_id>/", views.room_edit, name="builder_room_edit"),
    path(f"{B}rooms/<int:room_id>/move/", views.room_move, name="builder_room_move"),
    path(f"{B}rooms/<int:room_id>/remove/", views.room_remove, name="builder_room_remove"),
    path(f"{B}sessions/add/", views.session_add, name="builder_session_add"),
    path(f"{B}sessions/<int:session_id>/", views.session_detail, name="builder_session"),
    path(f"{B}sessions/<int:session_id>/remove/", views.session_remove, name="builder_session_remove"),
    path(f"{B}place/", views.slot_place, name="builder_place"),
    path(f"{B}slots/<int:slot_id>/move/", views.slot_move, name="builder_slot_move"),
    path(f"{B}slots/<int:slot_id>/duration/", views.slot_duration, name="builder_slot_duration"),
    path(f"{B}slots/<int:slot_id>/remove/", views.slot_remove, name="builder_slot_remove"),
    path(f"{B}publish/", views.publish, name="builder_publish"),
    path(f"{B}versions/", views.versions, name="builder_versions"),
]
