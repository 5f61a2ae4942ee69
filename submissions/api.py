"""REST endpoints for submissions, under the same policy and deadlines as the pages.

Authors list, register, update, upload to and withdraw their own submissions and declare
their conflicts; chairs list all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.typing import acting_user
from committees.policy import is_pc_chair
from conferences.api import EditionTimeField
from conferences.models import Phase, Topic
from conferences.roles import RoleKind
from conferences.scoping import EditionScopedAPIMixin
from mlsys_conf.api import id_field, policy_permission
from mlsys_conf.limits import ABSTRACT_MAX, AUTHORS_MAX, CONFLICTS_MAX, PAPER_KEYWORDS_MAX, TITLE_MAX
from mlsys_conf.policy import require, visible_or_404
from submissions import policy, selectors, services
from submissions.forms import DECLARABLE_REASONS, EXTENDABLE_PHASES
from submissions.models import (
    AUTOMATIC_REASONS,
    PAPER_FILE_KINDS,
    Author,
    Conflict,
    ConflictSource,
    Extension,
    FileKind,
    Submission,
    SubmissionFile,
)
from submissions.states import Status, status_for, viewer_of


class AuthorSerializer(serializers.ModelSerializer):
    disputed = serializers.SerializerMethodField(
        help_text='True: the address\'s owner reported "I am not an author" through the link in our mail.'
    )

    class Meta:
        model = Author
        fields = ("position", "name", "email", "affiliation", "is_contact", "disputed")
        read_only_fields = ("position",)
        extra_kwargs: dict[str, dict[str, Any]] = {"email": {"validators": []}}

    def get_disputed(self, author: Author) -> bool:
        return author.email in self.context.get("disputed", ())


class FileSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubmissionFile
        fields = (
            "id",
            "kind",
            "content_type",
            "original_name",
            "sha256",
            "size",
            "page_count",
            "is_accepted",
            "warning_count",
            "checks",
            "uploaded_at",
        )


class SubmissionSerializer(serializers.ModelSerializer):
    authors = serializers.SerializerMethodField(help_text="Null where double-blind hides them.")
    authors_not_mailed = serializers.SerializerMethodField(
        help_text="Co-authors not e-mailed yet: the account that listed them had reached its limit of new "
        "addresses. Null where double-blind hides the authors."
    )
    paper = serializers.SerializerMethodField(help_text="The current paper version: the latest that passed the checks.")
    status = serializers.SerializerMethodField(
        help_text="abstract, submitted, withdrawn, desk_rejected; a decision (accepted, rejected) reads "
        "submitted for the authors until the chairs release it."
    )
    status_label = serializers.SerializerMethodField(help_text="The status in words, as the pages show it.")

    class Meta:
        model = Submission
        fields = (
            "number",
            "title",
            "abstract",
            "topic",
            "keywords",
            "authors",
            "authors_not_mailed",
            "paper",
            "created_at",
            "updated_at",
            "status",
            "status_label",
            "withdrawn_at",
        )

    def _status(self, submission: Submission) -> Status:
        return status_for(submission, viewer_of(self.context["request"].user, submission))

    def get_status(self, submission: Submission) -> str:
        return self._status(submission).code

    def get_status_label(self, submission: Submission) -> str:
        return self._status(submission).label

    @extend_schema_field(AuthorSerializer(many=True, allow_null=True))
    def get_authors(self, submission: Submission) -> list[dict[str, Any]] | None:
        if not policy.can_see_authors(self.context["request"].user, submission):
            return None
        # With many=True this is a ListSerializer, whose data is a list (the stubs say a dict).
        authors: serializers.BaseSerializer = AuthorSerializer(
            submission.authors.all(), many=True, context={"disputed": selectors.disputed_emails(submission)}
        )
        return authors.data

    @extend_schema_field(serializers.ListField(child=serializers.EmailField(), allow_null=True))
    def get_authors_not_mailed(self, submission: Submission) -> list[str] | None:
        if not policy.can_see_authors(self.context["request"].user, submission):
            return None
        return selectors.authors_not_mailed(submission)

    @extend_schema_field(FileSerializer(allow_null=True))
    def get_paper(self, submission: Submission) -> dict[str, Any] | None:
        paper = selectors.current_paper(submission)
        return FileSerializer(paper).data if paper else None


class SubmissionInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX)
    abstract = serializers.CharField(max_length=ABSTRACT_MAX)
    topic = serializers.ChoiceField(choices=Topic.choices)
    keywords = serializers.CharField(max_length=PAPER_KEYWORDS_MAX, required=False, allow_blank=True, default="")
    # many=True takes max_length since DRF 3.14; the stubs don't know it yet.
    authors = AuthorSerializer(many=True, required=False, max_length=AUTHORS_MAX)  # type: ignore[call-arg]

    def validate_authors(self, authors: list[dict[str, Any]]) -> list[services.AuthorInput]:
        if not authors:
            raise serializers.ValidationError("List at least one author.")
        return [
            services.AuthorInput(a["name"], a["email"], a.get("affiliation", ""), a.get("is_contact", False))
            for a in authors
        ]


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Any string of at most 64 characters, new for each file: a retry with the same key returns the "
    "version the first attempt recorded (even after the deadline) instead of uploading again.",
)


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)


class ConflictSerializer(serializers.ModelSerializer):
    user_email = serializers.EmailField(source="user.email", read_only=True)
    user_name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = Conflict
        fields = ("user", "user_email", "user_name", "reason", "source")
        read_only_fields = ("source",)


class DeclarableReasonField(serializers.ChoiceField):
    """A reason a person gives for a conflict; the ones automatic detection records are refused."""

    default_error_messages = {  # DRF merges these along the class hierarchy
        "automatic": 'The reason "{input}" is recorded by automatic detection only; give another reason.'
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=DECLARABLE_REASONS, **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if data in AUTOMATIC_REASONS:
            self.fail("automatic", input=data)
        return super().to_internal_value(data)


class DeclaredConflictSerializer(serializers.Serializer):
    user = id_field(help_text="The PC member's user id.")
    reason = DeclarableReasonField()


class SubmissionViewSet(
    EditionScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Your submissions to an edition; all of them if you chair it."""

    serializer_class = SubmissionSerializer
    permission_classes = (IsAuthenticated,)
    parser_classes = (JSONParser, MultiPartParser, FormParser)
    lookup_field = "number"
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Submission]:
        if self.is_schema_generation:
            return Submission.objects.none()
        edition = self.policy_subject()
        if is_pc_chair(self.request.user, edition):
            return selectors.submissions_of_edition(edition)
        return selectors.submissions_of_author(self.request.user, edition)

    def _visible(self, number: str) -> Submission:
        submission = get_object_or_404(self.get_queryset(), number=number)
        visible_or_404(policy.can_view_submission(self.request.user, submission))
        return submission

    def _out(self, submission: Submission, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.with_details(Submission.objects.filter(pk=submission.pk)).get()
        return Response(SubmissionSerializer(fresh, context={"request": self.request}).data, status=code)

    @extend_schema(request=SubmissionInputSerializer, responses={201: SubmissionSerializer})
    def create(self, request: Request, edition_slug: str) -> Response:
        edition = self.policy_subject()
        require(policy.can_register_submission(request.user, edition))
        data = SubmissionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        user = acting_user(request)
        submission = services.submission_register(
            edition=edition,
            title=fields["title"],
            abstract=fields["abstract"],
            topic=fields["topic"],
            keywords=fields["keywords"],
            authors=fields.get("authors")
            or [services.AuthorInput(user.display_name, user.email, user.affiliation, True)],
            by=user,
        )
        return self._out(submission, status.HTTP_201_CREATED)

    @extend_schema(request=SubmissionInputSerializer, responses=SubmissionSerializer)
    def partial_update(self, request: Request, edition_slug: str, number: str) -> Response:
        submission = self._visible(number)
        require(policy.can_edit_submission(request.user, submission))
        current = {
            "title": submission.title,
            "abstract": submission.abstract,
            "topic": submission.topic,
            "keywords": submission.keywords,
        }
        if not isinstance(request.data, Mapping):
            raise serializers.ValidationError({"non_field_errors": ["Invalid data. Expected a dictionary."]})
        data = SubmissionInputSerializer(data={**current, **request.data})
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        services.submission_update(
            submission=submission,
            data=services.SubmissionInput(fields["title"], fields["abstract"], fields["topic"], fields["keywords"]),
            authors=fields.get("authors"),
            by=acting_user(request),
        )
        return self._out(submission)

    def _upload(self, request: Request, number: str, kind: FileKind) -> Response:
        received = timezone.now()  # the whole request is in: the deadline is compared with this
        submission = self._visible(number)
        is_paper = kind == FileKind.PAPER
        key = request.headers.get("Idempotency-Key", "")
        allowed = policy.can_upload_paper if is_paper else policy.can_upload_supplementary
        if selectors.version_for_key(submission, request.user, key) is None:  # a retry is answered even after it
            require(allowed(request.user, submission, received))
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        limit = submission.edition.max_pdf_bytes if is_paper else services.SUPPLEMENTARY_MAX_BYTES
        store = services.paper_upload if is_paper else services.supplementary_upload
        version = store(
            submission=submission,
            content=services.read_upload(upload, max_bytes=limit),
            filename=upload.name,
            by=acting_user(request),
            now=received,
            idempotency_key=key,
        )
        code = status.HTTP_201_CREATED if version.is_accepted else status.HTTP_400_BAD_REQUEST
        return Response(FileSerializer(version).data, status=code)

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: FileSerializer, 400: FileSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    @action(detail=True, methods=["post"], url_path="paper")
    def upload_paper(self, request: Request, edition_slug: str, number: str) -> Response:
        """Upload a paper PDF. 201 when it passed the checks; 400 with the checks when it did not
        (the previous version stays current)."""
        return self._upload(request, number, FileKind.PAPER)

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: FileSerializer, 400: FileSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    @action(detail=True, methods=["post"], url_path="supplementary")
    def upload_supplementary(self, request: Request, edition_slug: str, number: str) -> Response:
        return self._upload(request, number, FileKind.SUPPLEMENTARY)

    @extend_schema(request=None, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, edition_slug: str, number: str) -> Response:
        submission = self._visible(number)
        require(policy.can_withdraw_submission(request.user, submission))
        return self._out(services.submission_withdraw(submission=submission, by=acting_user(request)))

    @extend_schema(responses=FileSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list, not a page
    def files(self, request: Request, edition_slug: str, number: str) -> Response:
        submission = self._visible(number)
        files = submission.files.filter(kind__in=PAPER_FILE_KINDS).order_by("-uploaded_at")
        return Response(FileSerializer(files, many=True).data)

    @extend_schema(methods=["GET"], responses=ConflictSerializer(many=True))
    @extend_schema(
        methods=["PUT"], request=DeclaredConflictSerializer(many=True), responses=ConflictSerializer(many=True)
    )
    @action(detail=True, methods=["get", "put"], pagination_class=None)  # a plain list, not a page
    def conflicts(self, request: Request, edition_slug: str, number: str) -> Response:
        """The conflicts of interest of a submission. An author's PUT replaces the authors'
        declared ones; a chair's PUT makes the list exactly the paper's conflicts (the ones left
        out are removed, automatic ones waived) and records new ones as the chair's. A chair
        conflicted with the paper sees none of this."""
        submission = self._visible(number)
        as_chair = is_pc_chair(request.user, submission.edition) and not selectors.is_author(request.user, submission)
        if as_chair:
            require(policy.can_manage_submission(request.user, submission))
        if request.method == "PUT":
            require(policy.can_declare_author_conflicts(request.user, submission))
            data = DeclaredConflictSerializer(  # type: ignore[call-arg]  # max_length: as for authors above
                data=request.data, many=True, max_length=CONFLICTS_MAX
            )
            data.is_valid(raise_exception=True)
            pc_roles = submission.edition.roles.filter(kind__in=RoleKind.where("on_pc"))
            pc_ids = set(pc_roles.values_list("user_id", flat=True))
            unknown = sorted({row["user"] for row in data.validated_data} - pc_ids)
            if unknown:
                raise serializers.ValidationError(f"Not members of the PC: {unknown}")
            declared = {row["user"]: row["reason"] for row in data.validated_data}
            if as_chair:
                services.conflicts_set_by_chair(submission=submission, conflicted=declared, by=acting_user(request))
            else:
                services.conflicts_set_declared(
                    submission=submission, source=ConflictSource.AUTHOR, declared=declared, by=acting_user(request)
                )
        return Response(ConflictSerializer(submission.conflicts.select_related("user"), many=True).data)


class ExtensionSerializer(serializers.ModelSerializer):
    paper = serializers.IntegerField(source="submission.number", read_only=True, allow_null=True)
    person = serializers.EmailField(source="user.email", read_only=True, allow_null=True)
    granted_by = serializers.EmailField(source="granted_by.email", read_only=True, allow_null=True)

    class Meta:
        model = Extension
        fields = ("id", "phase", "until", "paper", "person", "reason", "granted_by", "created_at")
        read_only_fields = fields


class ExtensionInputSerializer(serializers.Serializer):
    """A new extension names its paper (by number) or its person (by user id); a change gives
    only the new time and reason."""

    phase = serializers.ChoiceField(choices=EXTENDABLE_PHASES)
    until = EditionTimeField(help_text="ISO 8601; without an offset, in the edition's time zone.")
    paper = id_field(required=False, help_text="The paper's number.")
    person = id_field(required=False, help_text="The person's user id.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None and ("paper" in data) == ("person" in data):
            raise serializers.ValidationError("Give the paper or the person, not both.")
        return data


class ExtensionViewSet(
    EditionScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Chairs' extensions of input deadlines, per paper or per person (``?paper=<number>``)."""

    serializer_class = ExtensionSerializer
    permission_classes = (policy_permission("can_grant_extensions"),)

    def get_queryset(self) -> QuerySet[Extension]:
        if self.is_schema_generation:
            return Extension.objects.none()
        found = Extension.objects.filter(edition=self.policy_subject())
        found = found.select_related("submission", "user", "granted_by")
        paper = self.request.query_params.get("paper", "")
        return found.filter(submission__number=paper) if paper.isdigit() else found

    def _grant(self, data: dict[str, Any], **whom: Any) -> Extension | None:
        return services.extension_grant(
            by=acting_user(self.request),
            edition=self.policy_subject(),
            phase=Phase(data["phase"]),
            until=data.get("until"),
            reason=data.get("reason", ""),
            **whom,
        )

    def _whom(self, data: dict[str, Any]) -> dict[str, Any]:
        edition = self.policy_subject()
        if "paper" in data:
            return {"submission": get_object_or_404(Submission, edition=edition, number=data["paper"])}
        return {"user": get_object_or_404(get_user_model(), pk=data["person"])}

    @extend_schema(request=ExtensionInputSerializer, responses=ExtensionSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ExtensionInputSerializer(data=request.data, context={"edition": self.policy_subject()})
        data.is_valid(raise_exception=True)
        extension = self._grant(data.validated_data, **self._whom(data.validated_data))
        return Response(ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExtensionInputSerializer, responses=ExtensionSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        extension = self.get_object()
        current = {"phase": extension.phase, "until": extension.until, "reason": extension.reason}
        if not isinstance(request.data, Mapping):
            raise serializers.ValidationError({"non_field_errors": ["Invalid data. Expected a dictionary."]})
        data = ExtensionInputSerializer(
            extension, data={**current, **request.data}, context={"edition": self.policy_subject()}
        )
        data.is_valid(raise_exception=True)
        if data.validated_data["phase"] != extension.phase:
            raise serializers.ValidationError({"phase": "Remove this extension and add one for the other deadline."})
        whom = {"submission": extension.submission} if extension.submission_id else {"user": extension.user}
        return Response(ExtensionSerializer(self._grant(data.validated_data, **whom)).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        extension = self.get_object()
        whom = {"submission": extension.submission} if extension.submission_id else {"user": extension.user}
        self._grant({"phase": extension.phase, "until": None}, **whom)
        return Response(status=status.HTTP_204_NO_CONTENT)


router = SimpleRouter()
router.register(r"editions/(?P<edition_slug>[-\w]+)/submissions", SubmissionViewSet, basename="submission")
router.register(r"editions/(?P<edition_slug>[-\w]+)/extensions", ExtensionViewSet, basename="extension")
urlpatterns = router.urls
