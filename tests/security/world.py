"""One edition with every persona the security tests ask about, and one of each object a
route needs (a paper with a stored file, an invitation, a solver run, an assignment, a bid,
an affinity).

Paper P (#1) is the paper the roles differ on: its author and co-author have accounts, one
PC member is assigned to it (committed), one is conflicted with it, and a second chair is
conflicted with it too. Paper Q (#2) belongs to nobody here. All phases up to bidding are
open, so deadlines never decide an answer; the deadline tests move them explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.services import api_token_create
from artifacts.models import Artifact
from assignments.models import Assignment, AssignmentRun, AssignmentSource
from bidding.models import Affinity, Bid
from committees.models import Invitation
from conferences.models import Area, Deadline, Edition, Phase, Role
from conferences.roles import RoleKind
from outbox.models import Mail, MailBatch
from outbox.services import mail_batch_create, mail_queue
from submissions import services as submission_services
from submissions.models import Conflict, ConflictReason, ConflictSource, Extension, Submission, SubmissionFile
from tests.factories.accounts import UserFactory
from tests.factories.committees import RoleFactory
from tests.factories.conferences import EditionFactory
from tests.factories.pdfs import make_pdf
from tests.factories.submissions import AuthorFactory, SubmissionFactory

# Who is asking, in the order the matrix lists them.
ROLES = (
    "anonymous",
    "outsider",
    "author",
    "coauthor",
    "pc_unassigned",
    "pc_assigned",
    "pc_conflicted",
    "chair",
    "conflicted_chair",
    "ae_chair",
)

# Paper P's authors, spelled so that no other text on any page can contain them by chance.
AUTHOR_NAME = ("Zebulon", "Quixotewright")
AUTHOR_EMAIL = "zebulon.quixotewright@authors-only.example"
COAUTHOR_NAME = ("Ysolde", "Marchbanks-Ferro")
COAUTHOR_EMAIL = "ysolde.marchbanks@authors-only.example"
AUTHOR_AFFILIATION = "Quixotewright Institute of Sparse Kernels"
COAUTHOR_AFFILIATION = "Marchbanks-Ferro Laboratory"


@dataclass
class World:
    edition: Edition
    users: dict[str, Any]
    paper: Submission  # P
    other_paper: Submission  # Q
    paper_file: SubmissionFile
    invitation: Invitation
    run: AssignmentRun
    assignment: Assignment  # pc_assigned on P, committed
    other_assignment: Assignment  # pc_unassigned on Q, a draft: the swap partner of the first
    role: Role  # pc_unassigned's role: the one the committee routes act on
    api_token: Any  # the author's API token
    extension: Extension | None = None  # P's camera-ready extension (no deadline here relies on it)

    def user(self, role: str) -> Any:
        return AnonymousUser() if role == "anonymous" else self.users[role]

    @property
    def slug(self) -> str:
        return self.edition.slug

    @property
    def not_an_author_token(self) -> str:
        """The link P's co-author gets by mail to say "I am not an author of this paper"."""
        from submissions.author_links import not_an_author_token

        return not_an_author_token(self.paper, COAUTHOR_EMAIL)

    @property
    def held_batch(self) -> MailBatch:
        """A held batch of one mail to P's author, made when a test asks for it (inside that
        test's savepoint, so a release or a cancel never reaches the next test)."""
        batch = mail_batch_create(edition=self.edition, name="Decision letters", by=self.users["chair"])
        mail_queue(to_email=AUTHOR_EMAIL, subject="Your paper", body="Held.", batch=batch)
        return batch

    @property
    def held_mail(self) -> Mail:
        return self.held_batch.mails.get()

    @property
    def unsubscribe_token(self) -> str:
        """The signed link at the foot of a non-essential mail, for an address no persona has."""
        from outbox.preferences import unsubscribe_token

        return unsubscribe_token("announcements@readers.example")

    @property
    def submitted_review(self) -> Any:
        """pc_assigned's submitted review of P, made when a test asks for it (inside that test's
        savepoint: the other routes see P unreviewed)."""
        from reviews.models import Review, ReviewState
        from reviews.selectors import current_round

        now = timezone.now()
        existing = Review.objects.filter(submission=self.paper, reviewer=self.users["pc_assigned"]).first()
        return existing or Review.objects.create(
            submission=self.paper,
            reviewer=self.users["pc_assigned"],
            round=current_round(self.edition),
            state=ReviewState.SUBMITTED,
            answers={"summary": "A sparse kernel.", "merit": 4},
            version=1,
            submitted_at=now,
            last_submitted_at=now,
        )

    @property
    def chair_comment(self) -> Any:
        """The chair's comment on P to the chairs only, made when a test asks for it (inside that
        test's savepoint)."""
        from reviews.models import Comment, CommentAudience

        return Comment.objects.create(
            submission=self.paper, author=self.users["chair"], audience=CommentAudience.CHAIRS, body="For the chairs."
        )

    @property
    def external_request(self) -> Any:
        """pc_assigned's request for an external reviewer of P, awaiting the chairs (made when a
        test asks for it, inside that test's savepoint)."""
        return self._external("awaiting@external.example", approved=False)

    @property
    def approved_external(self) -> Any:
        """The chair's request for an external reviewer of P, approved: its link is open."""
        return self._external("approved@external.example", approved=True)

    def _external(self, email: str, *, approved: bool) -> Any:
        from reviews.models import ExternalRequest, ExternalStatus

        by = self.users["chair" if approved else "pc_assigned"]
        existing = ExternalRequest.objects.filter(submission=self.paper, email=email).first()
        return existing or ExternalRequest.objects.create(
            submission=self.paper,
            requested_by=by,
            name="Erin External",
            email=email,
            status=ExternalStatus.APPROVED if approved else ExternalStatus.REQUESTED,
            approved_by=by if approved else None,
            token=f"matrix-external-{'approved' if approved else 'awaiting'}-0123456789",
        )

    # The chairs' review configuration: the review form, its first field, round R1.
    review_form_kind = "review"

    @property
    def review_field_key(self) -> str:
        from reviews.models import FormKind
        from reviews.selectors import form_fields

        return form_fields(self.edition, FormKind.REVIEW)[0].key

    @property
    def review_round(self) -> Any:
        from reviews.selectors import current_round

        return current_round(self.edition)

    @property
    def decision_tag_name(self) -> str:
        """A tag the decisions API names on P (P need not carry it)."""
        return "discuss"

    @property
    def artifact_assignment(self) -> Assignment:
        """An AE member's draft evaluation of P's artifact, made when a test asks for it."""
        from assignments.models import AssignmentKind

        member = RoleFactory(edition=self.edition, kind=RoleKind.AE_MEMBER, user__email="evaluator@ae.example").user
        return Assignment.objects.create(
            submission=self.paper, user=member, kind=AssignmentKind.ARTIFACT, source=AssignmentSource.SOLVER
        )

    # The program builder's draft: a room, a talks session in it, Q placed in it (stored as is:
    # Q is not accepted; the routes only need the rows), made when a test asks for them.
    @property
    def program_room(self) -> Any:
        from program.models import Room

        return Room.objects.get_or_create(edition=self.edition, name="Matrix Hall")[0]

    @property
    def program_session(self) -> Any:
        from program.models import ProgramSession

        existing = ProgramSession.objects.filter(edition=self.edition, title="Matrix session").first()
        now = timezone.now()
        return existing or ProgramSession.objects.create(
            edition=self.edition,
            title="Matrix session",
            room=self.program_room,
            starts_at=now + timedelta(days=60),
            ends_at=now + timedelta(days=60, hours=1),
        )

    @property
    def program_slot(self) -> Any:
        from program.models import Slot

        return Slot.objects.get_or_create(session=self.program_session, submission=self.other_paper)[0]


def _open_phases(edition: Edition) -> None:
    now = timezone.now()
    for phase, opens, closes in [
        (Phase.ABSTRACT_REGISTRATION, None, 10),
        (Phase.PAPER_SUBMISSION, None, 10),
        (Phase.SUPPLEMENTARY_MATERIAL, None, 12),
        (Phase.BIDDING, -1, 20),
        (Phase.REVIEWING, 21, 50),
    ]:
        Deadline.objects.create(
            edition=edition,
            phase=phase,
            opens_at=now + timedelta(days=opens) if opens is not None else None,
            closes_at=now + timedelta(days=closes),
        )


def _pc_member(edition: Edition, email: str, area: str = Area.SYSTEMS) -> Any:
    return RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, area=area, user__email=email).user


def build_world() -> World:
    edition = EditionFactory(slug="sec2027", name="MLSys Security 2027", is_public=True)
    _open_phases(edition)
    author = UserFactory(
        email=AUTHOR_EMAIL, first_name=AUTHOR_NAME[0], last_name=AUTHOR_NAME[1], affiliation=AUTHOR_AFFILIATION
    )
    coauthor = UserFactory(
        email=COAUTHOR_EMAIL, first_name=COAUTHOR_NAME[0], last_name=COAUTHOR_NAME[1], affiliation=COAUTHOR_AFFILIATION
    )
    chairs = {
        kind_name: RoleFactory(edition=edition, kind=kind, user__email=f"{kind_name}@committee.example").user
        for kind_name, kind in [
            ("chair", RoleKind.PC_CHAIR),
            ("conflicted_chair", RoleKind.PC_CHAIR),
            ("ae_chair", RoleKind.AE_CHAIR),
        ]
    }
    users: dict[str, Any] = {
        "outsider": UserFactory(email="outsider@elsewhere.example"),
        "author": author,
        "coauthor": coauthor,
        "pc_unassigned": _pc_member(edition, "pc.unassigned@committee.example"),
        "pc_assigned": _pc_member(edition, "pc.assigned@committee.example"),
        "pc_conflicted": _pc_member(edition, "pc.conflicted@committee.example", Area.ML),
        **chairs,
    }

    paper = SubmissionFactory(edition=edition, number=1, title="Sparse Attention Kernels at Scale", created_by=author)
    for position, (user, affiliation) in enumerate([(author, AUTHOR_AFFILIATION), (coauthor, COAUTHOR_AFFILIATION)]):
        AuthorFactory(
            submission=paper,
            position=position + 1,
            name=user.display_name,
            email=user.email,
            affiliation=affiliation,
            user=user,
            is_contact=position == 0,
        )
    paper_file = submission_services.paper_upload(submission=paper, content=make_pdf(), filename="paper.pdf", by=author)
    other_paper = SubmissionFactory(edition=edition, number=2, title="Compilers for Tiny Accelerators")
    AuthorFactory(submission=other_paper, position=1, name="Someone Else", email="someone@other.example")

    for who, source in [("pc_conflicted", ConflictSource.PC_MEMBER), ("conflicted_chair", ConflictSource.CHAIR)]:
        Conflict.objects.create(submission=paper, user=users[who], reason=ConflictReason.COLLABORATOR, source=source)
    assignment = Assignment.objects.create(
        submission=paper,
        user=users["pc_assigned"],
        source=AssignmentSource.MANUAL,
        is_committed=True,
        committed_at=timezone.now(),
    )
    other_assignment = Assignment.objects.create(
        submission=other_paper, user=users["pc_unassigned"], source=AssignmentSource.MANUAL
    )
    Bid.objects.create(submission=paper, user=users["pc_assigned"], level=1)
    for who in ("pc_assigned", "pc_unassigned"):
        for submission in (paper, other_paper):
            Affinity.objects.create(submission=submission, user=users[who], score=0.5, top_terms=[["sparse", 0.5]])
    invitation = Invitation.objects.create(
        edition=edition,
        email="invitee@elsewhere.example",
        name="Invited Person",
        kind=RoleKind.PC_MEMBER,
        area=Area.ML,
        token="matrix-invitation-token-0123456789",
        sent_at=timezone.now(),
        invited_by=users["chair"],
    )
    run = AssignmentRun.objects.create(edition=edition, created_by=users["chair"])
    role = Role.objects.get(edition=edition, user=users["pc_unassigned"])
    api_token, _secret = api_token_create(user=author, name="matrix")
    extension = Extension.objects.create(
        edition=edition,
        phase=Phase.CAMERA_READY,
        until=timezone.now() + timedelta(days=30),
        submission=paper,
        granted_by=users["chair"],
    )
    # P's artifact, stored as is (P is not accepted: its authors see it but may not change it).
    Artifact.objects.create(
        submission=paper,
        abstract="Kernels and scripts.",
        repository_url="https://example.org/kernels",
        badges=["available"],
        access_instructions="Matrix access instructions.",
    )
    return World(
        edition,
        users,
        paper,
        other_paper,
        paper_file,
        invitation,
        run,
        assignment,
        other_assignment,
        role,
        api_token,
        extension=extension,
    )
