"""REST endpoint of the action log, for the chairs."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from actionlog.forms import ActionFilterForm
from actionlog.models import Action
from actionlog.views import filtered_actions
from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.api import policy_permission


class ActionSerializer(serializers.ModelSerializer):
    actor = serializers.EmailField(source="actor.email", read_only=True, allow_null=True)
    person = serializers.EmailField(source="person.email", read_only=True, allow_null=True)
    target_type = serializers.CharField(source="target_type.model", read_only=True, allow_null=True)

    class Meta:
        model = Action
        fields = (
            "id",
            "created_at",
            "actor",
            "action",
            "target_type",
            "target_id",
            "target_label",
            "paper_id",
            "person",
            "changes",
            "note",
        )
        read_only_fields = fields


@extend_schema(
    parameters=[
        OpenApiParameter(
            "q",
            str,
            description="Search: every word in the action, its note, a person's name or e-mail, "
            "or the number or title of the paper (at most 200 characters, 20 words).",
        ),
        OpenApiParameter("since", OpenApiTypes.DATE, description="Only entries from this day on (the edition's zone)."),
        OpenApiParameter("until", OpenApiTypes.DATE, description="Only entries up to this day (the edition's zone)."),
        OpenApiParameter("paper", int, description="Only entries about the paper with this number."),
        OpenApiParameter("person", str, description="Actor's or concerned person's name or e-mail (part of)."),
        OpenApiParameter("action", str, description="Start of the action's name, e.g. conflict."),
    ]
)
class ActionList(EditionScopedAPIMixin, generics.ListAPIView):
    """The edition's action log, newest first: ``?q=<words>&since=<date>&until=<date>&paper=<number>
    &person=<text>&action=<prefix>``. Entries about papers the chair is conflicted with are never
    listed; a search over the limits is a 400 naming the field."""

    serializer_class = ActionSerializer
    permission_classes = (policy_permission("can_read_action_log"),)

    def get_queryset(self) -> QuerySet[Action]:
        if self.is_schema_generation:
            return Action.objects.none()
        form = ActionFilterForm(self.request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors.get_json_data())
        return filtered_actions(self.request.user, self.policy_subject(), form.cleaned_data)


urlpatterns = [path("editions/<slug:edition_slug>/actions/", ActionList.as_view(), name="actions")]
