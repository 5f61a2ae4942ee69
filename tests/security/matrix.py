"""The permission matrix: for every route of the URL configuration, who gets in, with which
answer, for each HTTP method that makes sense on it.

Read a row as: route name -> {method: Check(roles allowed, statuses they get, status for
every other signed-in role, exceptions for single roles, body sent)}. The expectations are
the SECURE behaviour, in the order of refusals set out in ``mlsys_conf/policy.py``:

1. anonymous visitors are sent to the login page by pages, and get 401/403 from the API,
   unless ``allow`` names them;
2. whoever may not use the route at all (a non-chair on a chair's route, an author on the
   bidding endpoints) gets 403, whatever the id in the URL;
3. whoever may use the route but not see the object it names (someone else's paper, a paper
   they are conflicted with) gets 404, exactly as for one that does not exist;
4. whoever sees the object but may not do this to it (a chair editing an author's text)
   gets 403.

A state-changing request gets a harmless or invalid body: what matters is allowed
(200/201/202/204/302/400) versus refused (403/404).

Every route needs an entry here (``test_every_route_has_an_entry``); Django's admin is the
one generated rule (staff only, and no persona is staff).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from tests.security.world import ROLES, World

FORBIDDEN, HIDDEN = 403, 404

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
CHAIRS = frozenset({"chair", "conflicted_chair"})
PC_MEMBERS = frozenset({"pc_unassigned", "pc_assigned", "pc_conflicted"})
ON_PC = PC_MEMBERS | CHAIRS  # a PC chair is on the PC
AUTHORS = frozenset({"author", "coauthor"})
SEES_PAPER = AUTHORS | CHAIRS  # paper P's own pages: its authors and the chairs
BIDS_ON_PAPER = frozenset({"pc_unassigned", "pc_assigned"})  # PC members not conflicted with P
NOBODY: frozenset[str] = frozenset()
REVIEWS_PAPER = frozenset({"pc_assigned", "chair"})  # P's reviewer's page: committed to them, or a chair not conflicted

# Statuses of an allowed request, by what it does.
SHOWN = frozenset({200})
FORM_DONE = frozenset({200, 302, 400})  # a form page: re-rendered with errors, or saved and redirected
REDIRECTED = frozenset({302})  # a POST-only page action: done (or turned down by a rule, with a message), then back
API_INVALID = frozenset({400})
API_DONE = frozenset({200, 201, 202, 204})


@dataclass(frozen=True)
class Check:
    allow: frozenset[str]
    ok: frozenset[int]
    refused: int = FORBIDDEN  # what every other signed-in role gets
    special: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    body: Any = None  # sent as is, or called with the world when it depends on it


def check(
    allow: frozenset[str], ok: frozenset[int], *, refused: int = FORBIDDEN, body: Any = None, **special: int
) -> Check:
    return Check(allow, ok, refused, MappingProxyType(special), body)


def chairs_only(ok: frozenset[int] = SHOWN, *, body: Any = None) -> Check:
    return check(CHAIRS, ok, body=body)


def conflicted_chair_loses(ok: frozenset[int], *, body: Any = None) -> Check:
    """A chair-only route naming P's reviewers, bids or affinities: they are left out of the
    lists of the chair conflicted with P, so a URL naming them answers that chair as for a
    missing object (rule 3), as the API already does for P's assignment."""
    return check(frozenset({"chair"}), ok, body=body, conflicted_chair=HIDDEN)


def paper_p(allow: frozenset[str], ok: frozenset[int], *, body: Any = None, **special: int) -> Check:
    """Paper P's own routes: whoever may not see P gets a 404."""
    return check(allow, ok, refused=HIDDEN, body=body, **special)


@dataclass(frozen=True)
class Entry:
    kind: str  # "page" (login redirect for anonymous), "api" (401/403) or "admin" (its own login)
    methods: Mapping[str, Check]
    params: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # URL parameter -> world attribute


def page(params: Mapping[str, str] | None = None, **methods: Check) -> Entry:
    return Entry("page", MappingProxyType(methods), MappingProxyType(params or {}))


def api(params: Mapping[str, str] | None = None, **methods: Check) -> Entry:
    return Entry("api", MappingProxyType(methods), MappingProxyType(params or {}))


# A chair acting on P's file, authors, conflicts or state is fine; only the authors edit P.
AUTHORS_ONLY_ON_P = {"chair": FORBIDDEN, "conflicted_chair": FORBIDDEN}
# P's conflicts say who may review it: the chair conflicted with P sees P but not them.
NOT_THE_CONFLICTED_CHAIR = {"conflicted_chair": FORBIDDEN}
# P in the bidding API: a PC member conflicted with P no longer finds it (it is gone from
# their list); whoever does not bid may not use the route.
NOT_FOR_CONFLICTED = {"pc_conflicted": HIDDEN}
BAD_BID = {"level": 99}
# The outbox's routes naming a held batch or mail: made on demand (see World.held_batch).
HELD_BATCH = {"batch_id": "held_batch.pk"}
HELD_MAIL = {"mail_id": "held_mail.pk"}
# The unsubscribe link of a non-essential mail: works for anyone, signed in or not.
UNSUBSCRIBE = {"signed": "unsubscribe_token"}
BAD_COMPOSE = {"recipient_set": "no-such-set", "subject": "Hi", "body": "Hi", "essential": True}
# Ratings name pc_assigned's submitted review of P: made on demand (see World.submitted_review).
SUBMITTED_REVIEW = {"review_id": "submitted_review.pk"}
BAD_RATING = {"rating": "never"}
# Writing a review of P: only its committed reviewer (nobody is P's meta-reviewer here); the
# world's reviewing has not opened, so a post is turned down with the reason (a redirect).
WRITES_P = frozenset({"pc_assigned"})
BAD_ANSWERS = {"merit": "99"}
# The chairs' review configuration: a field of the review form, and round R1 (made on demand).
REVIEW_FORM = {"kind": "review_form_kind"}
REVIEW_FIELD = {"kind": "review_form_kind", "key": "review_field_key"}
REVIEW_ROUND = {"round_id": "review_round.pk"}
# The discussion of P: the chair's chairs-only comment (made on demand, see World.chair_comment);
# its readers open P's thread (P's reviewer, the chair handling P, its authors). Nobody sees P's
# reviews yet here (pc_assigned has not submitted one, reviews are not released), so only the chair
# may post: the others who open the thread are refused with a 403.
CHAIR_COMMENT = {"comment_id": "chair_comment.pk"}
OPENS_P_THREAD = REVIEWS_PAPER | AUTHORS
NOT_YET_POSTING = {"pc_assigned": FORBIDDEN, "author": FORBIDDEN, "coauthor": FORBIDDEN}
EMPTY_COMMENT = {"body": "", "audience": "chairs"}
# External reviewers: pc_assigned's request awaiting the chairs, and the chair's approved one
# whose link is open (both made on demand, see World.external_request and World.approved_external).
EXTERNAL_REQUEST = {"request_id": "external_request.pk"}
EXTERNAL_REQUEST_PK = {"pk": "external_request.pk"}
EXTERNAL_LINK = {"token": "approved_external.token"}
BAD_EXTERNAL = {"name": "", "email": "not-an-address"}
# Artifacts: P's artifact is seen by its authors and the AE chair; P is not accepted, so its
# authors are refused any change with the reason.
AE_CHAIR = frozenset({"ae_chair"})
SEES_ARTIFACT = AUTHORS | AE_CHAIR
P_AUTHORS_REFUSED = {"author": FORBIDDEN, "coauthor": FORBIDDEN}
# An AE member's draft evaluation of P's artifact (made on demand, see World.artifact_assignment).
ARTIFACT_ASSIGNMENT = {"assignment_id": "artifact_assignment.pk"}
# A tag on P, as the decisions API names it (a tag P need not carry: removing it is a no-op).
DECISION_TAG = {"name": "decision_tag_name"}


def p_swapped_with_q(world: World) -> dict[str, Any]:
    """P's reviewer and Q's trade places."""
    return {"first": world.assignment.pk, "second": world.other_assignment.pk}


MATRIX: dict[str, Entry] = {
    # --- Site-wide pages --------------------------------------------------------------------
    "home": page(GET=check(EVERYONE, SHOWN)),
    "health": page(GET=check(EVERYONE, SHOWN)),
    "accounts:profile": page(GET=check(SIGNED_IN, SHOWN), POST=check(SIGNED_IN, FORM_DONE, body={"orcid": "bad"})),
    "accounts:publications_import": page(GET=check(SIGNED_IN, SHOWN), POST=check(SIGNED_IN, FORM_DONE, body={})),
    "accounts:token_create": page(POST=check(SIGNED_IN, FORM_DONE, body={"name": ""})),
    "accounts:token_revoke": page(POST=check(frozenset({"author"}), REDIRECTED, refused=HIDDEN)),  # the author's
    # --- allauth: its own pages, public or for the signed-in account ------------------------
    "account_login": page(GET=check(EVERYONE, FORM_DONE)),
    "account_logout": page(GET=check(EVERYONE, FORM_DONE)),
    "account_inactive": page(GET=check(EVERYONE, SHOWN)),
    "account_signup": page(GET=check(EVERYONE, FORM_DONE)),
    "account_reauthenticate": page(GET=check(SIGNED_IN, FORM_DONE)),
    "account_request_reauthentication_code": page(GET=check(SIGNED_IN, FORM_DONE)),
    "account_confirm_reauthentication_code": page(GET=check(SIGNED_IN, FORM_DONE)),
    "account_email": page(GET=check(SIGNED_IN, SHOWN)),
    "account_email_verification_sent": page(GET=check(EVERYONE, SHOWN)),
    "account_change_password": page(GET=check(SIGNED_IN, SHOWN)),
    "account_set_password": page(GET=check(SIGNED_IN, FORM_DONE)),
    "account_reset_password": page(GET=check(EVERYONE, SHOWN)),
    "account_confirm_login_code": page(GET=check(SIGNED_IN, FORM_DONE)),  # no code pending: to the login
    "account_confirm_email": page(GET=check(EVERYONE, SHOWN)),  # an unknown key: "invalid link"
    "account_reset_password_from_key_done": page(GET=check(EVERYONE, SHOWN)),
    "account_reset_password_from_key": page(GET=check(EVERYONE, SHOWN)),  # an unknown key: "bad token"
    "account_reset_password_done": page(GET=check(EVERYONE, SHOWN)),
    # --- The edition and its settings -------------------------------------------------------
    "conferences:edition": page(GET=check(EVERYONE, SHOWN)),
    "conferences:settings": page(GET=chairs_only(), POST=chairs_only(FORM_DONE, body={"time_zone": "Nowhere/Void"})),
    "conferences:deadlines": page(GET=chairs_only(), POST=chairs_only(FORM_DONE, body={"paper_closes_at": "never"})),
    # --- The committee (chairs) and the invitee's page (the token is the credential) ---------
    "committees:committee": page(GET=chairs_only()),
    "committees:invite": page(POST=chairs_only(FORM_DONE | {400}, body={"email": "not-an-address"})),
    "committees:invite_bulk": page(POST=chairs_only(FORM_DONE, body={"bulk-people": "not-an-address"})),
    "committees:role_add": page(POST=chairs_only(FORM_DONE | {400}, body={"email": "not-an-address"})),
    "committees:role_remove": page(POST=chairs_only(REDIRECTED)),
    "committees:role_load": page(POST=chairs_only(FORM_DONE | {400}, body={"max_load": "-1"})),
    "committees:invitation_revoke": page(POST=chairs_only(REDIRECTED)),
    "committees:invitation_resend": page(POST=chairs_only(REDIRECTED)),
    "committees:invitation": page(GET=check(EVERYONE, SHOWN)),
    "committees:invitation_accept": page(POST=check(SIGNED_IN, REDIRECTED)),
    "committees:invitation_decline": page(POST=check(EVERYONE, REDIRECTED)),
    # --- Submissions: the author's pages, P's pages, the PC's conflicts, the chairs' list ---
    "submissions:mine": page(GET=check(SIGNED_IN, SHOWN)),
    "submissions:new": page(GET=check(SIGNED_IN, SHOWN), POST=check(SIGNED_IN, FORM_DONE, body={"title": ""})),
    "submissions:detail": page(GET=paper_p(SEES_PAPER, SHOWN)),
    "submissions:edit": page(
        GET=paper_p(AUTHORS, SHOWN, **AUTHORS_ONLY_ON_P),
        POST=paper_p(AUTHORS, FORM_DONE, body={"title": ""}, **AUTHORS_ONLY_ON_P),
    ),
    "submissions:upload": page(POST=paper_p(AUTHORS, REDIRECTED, **AUTHORS_ONLY_ON_P)),  # no file attached
    "submissions:withdraw": page(GET=paper_p(SEES_PAPER, SHOWN), POST=paper_p(SEES_PAPER, REDIRECTED)),
    "submissions:restore": page(POST=paper_p(SEES_PAPER, REDIRECTED)),  # not withdrawn: a message
    "submissions:desk_reject": page(  # no reason given: a message
        POST=paper_p(frozenset({"chair"}), REDIRECTED, author=FORBIDDEN, coauthor=FORBIDDEN, conflicted_chair=FORBIDDEN)
    ),
    "submissions:extension": page(
        POST=paper_p(CHAIRS, REDIRECTED, body={"phase": "paper", "until": "soon"}, author=FORBIDDEN, coauthor=FORBIDDEN)
    ),
    "submissions:conflicts": page(
        GET=paper_p(SEES_PAPER, SHOWN, **NOT_THE_CONFLICTED_CHAIR),
        POST=paper_p(SEES_PAPER, FORM_DONE, **NOT_THE_CONFLICTED_CHAIR),
    ),
    "submissions:file": page(GET=paper_p(SEES_PAPER, SHOWN)),
    "submissions:pc_conflicts": page(GET=check(ON_PC, SHOWN), POST=check(ON_PC, REDIRECTED)),
    "submissions:list": page(GET=chairs_only()),
    # A co-author's mailed link to say "I am not an author": the signed token is the credential.
    "submissions:not_an_author": page(
        {"token": "not_an_author_token"}, GET=check(EVERYONE, SHOWN), POST=check(EVERYONE, SHOWN)
    ),
    # --- Bidding and affinities ------------------------------------------------------------
    "bidding:bids": page(GET=check(PC_MEMBERS, SHOWN), POST=check(PC_MEMBERS, REDIRECTED, body={"number": "x"})),
    "bidding:stats": page(GET=chairs_only()),
    "bidding:compute": page(POST=chairs_only(REDIRECTED)),
    "bidding:explain": page(GET=conflicted_chair_loses(SHOWN)),  # paper P's affinities
    # --- Assignments (chairs) ---------------------------------------------------------------
    "assignments:dashboard": page(GET=chairs_only()),
    "assignments:run": page(POST=chairs_only(REDIRECTED, body={"bid_weight": "heavy"})),
    "assignments:add": page(POST=chairs_only(REDIRECTED, body={"number": "x"})),
    "assignments:swap": page(POST=conflicted_chair_loses(REDIRECTED, body=p_swapped_with_q)),  # P's assignment
    "assignments:commit": page(GET=chairs_only(), POST=chairs_only(REDIRECTED, body={"confirmed": "no"})),
    "assignments:remove": page(POST=conflicted_chair_loses(REDIRECTED)),  # P's assignment
    "reviews:paper": page(GET=paper_p(REVIEWS_PAPER, SHOWN)),
    # P's reviews and response as its authors see them (nobody else, the chairs included); the
    # world's response is not open, so a post is turned down with the reason (a redirect).
    "reviews:author_reviews": page(GET=paper_p(AUTHORS, SHOWN), POST=paper_p(AUTHORS, REDIRECTED, body={"body": "x"})),
    "reviews:file": page(GET=paper_p(REVIEWS_PAPER, SHOWN)),
    # Rating pc_assigned's review of P: the chair (its writer may read it but not rate it).
    "reviews:rate": page(
        SUBMITTED_REVIEW, POST=paper_p(frozenset({"chair"}), REDIRECTED, body=BAD_RATING, pc_assigned=FORBIDDEN)
    ),
    # P's review types: the chair handling P (its reviewer may open P, but not set types).
    "reviews:review_type": page(
        POST=paper_p(frozenset({"chair"}), REDIRECTED, body={"user": "x"}, pc_assigned=FORBIDDEN)
    ),
    "reviews:statistics": page(GET=chairs_only()),  # the conflicted chair's without P
    "reviews:export": page(GET=chairs_only()),  # the conflicted chair's without P's reviews
    "site_pages:statistics": page(GET=chairs_only()),  # the conflicted chair's without P's reviews
    # P's discussion: posting (an empty comment: a message), the chair's comment, following P.
    "reviews:comment_post": page(POST=paper_p(frozenset({"chair"}), REDIRECTED, body=EMPTY_COMMENT, **NOT_YET_POSTING)),
    "reviews:comment_edit": page(
        CHAIR_COMMENT,
        GET=paper_p(frozenset({"chair"}), SHOWN),
        POST=paper_p(frozenset({"chair"}), FORM_DONE, body={"body": ""}),
    ),
    "reviews:comment_history": page(CHAIR_COMMENT, GET=paper_p(frozenset({"chair"}), SHOWN)),
    "reviews:follow": page(POST=paper_p(OPENS_P_THREAD, REDIRECTED, body={"follows": "0"})),
    "reviews:notifications": page(
        GET=check(SIGNED_IN, SHOWN), POST=check(SIGNED_IN, FORM_DONE, body={"mode": "sometimes"})
    ),
    # The reviewer's dashboard (anyone signed in: their own papers, maybe none) and the chairs'
    # review progress (the conflicted chair's without P).
    # External reviewers: P's reviewer or the chair handling P asks (anyone else who cannot open
    # P: its 404); the chairs decide (the one conflicted with P: its 404); the link's page needs
    # only its token (accepting, an account: P's authors are refused by conflict detection).
    "reviews:external_request": page(POST=paper_p(REVIEWS_PAPER, REDIRECTED, body=BAD_EXTERNAL)),
    "reviews:external_requests": page(GET=chairs_only()),
    "reviews:external_approve": page(EXTERNAL_REQUEST, POST=conflicted_chair_loses(REDIRECTED)),
    "reviews:external_decline": page(EXTERNAL_REQUEST, POST=conflicted_chair_loses(REDIRECTED)),
    "reviews:external_withdraw": page(EXTERNAL_REQUEST, POST=conflicted_chair_loses(REDIRECTED)),
    "reviews:external_link": page(EXTERNAL_LINK, GET=check(EVERYONE, SHOWN)),
    "reviews:external_link_accept": page(EXTERNAL_LINK, POST=check(SIGNED_IN, REDIRECTED)),
    "reviews:external_link_decline": page(EXTERNAL_LINK, POST=check(EVERYONE, REDIRECTED)),
    "reviews:mine": page(GET=check(SIGNED_IN, SHOWN)),
    "reviews:progress": page(GET=chairs_only()),
    "reviews:write_review": page(GET=paper_p(WRITES_P, SHOWN), POST=paper_p(WRITES_P, FORM_DONE, body=BAD_ANSWERS)),
    "reviews:write_meta_review": page(GET=paper_p(NOBODY, SHOWN), POST=paper_p(NOBODY, FORM_DONE, body=BAD_ANSWERS)),
    "reviews:offline_review": page(GET=paper_p(WRITES_P, SHOWN), POST=paper_p(WRITES_P, REDIRECTED)),  # no file
    "reviews:offline_meta_review": page(GET=paper_p(NOBODY, SHOWN), POST=paper_p(NOBODY, REDIRECTED)),
    # pc_assigned's submitted review of P: its writer and the chair handling P see its versions.
    "reviews:review_history": page(SUBMITTED_REVIEW, GET=paper_p(REVIEWS_PAPER, SHOWN)),
    # The chairs' configuration of review: forms, settings, rounds (bad bodies: nothing saved).
    "reviews:forms": page(GET=chairs_only(), POST=chairs_only(FORM_DONE, body={"label": ""})),
    "reviews:form": page(REVIEW_FORM, GET=chairs_only(), POST=chairs_only(FORM_DONE, body={"label": ""})),
    "reviews:field": page(REVIEW_FIELD, GET=chairs_only(), POST=chairs_only(FORM_DONE, body={"label": ""})),
    "reviews:field_move": page(REVIEW_FIELD, POST=chairs_only(REDIRECTED, body={"direction": "sideways"})),
    "reviews:field_remove": page(REVIEW_FIELD, POST=chairs_only(REDIRECTED)),  # nobody answered it: deleted
    "reviews:field_restore": page(REVIEW_FIELD, POST=chairs_only(REDIRECTED)),  # not retired: a message
    "reviews:settings": page(GET=chairs_only(), POST=chairs_only(FORM_DONE, body={"response_word_limit": "-1"})),
    "reviews:round_add": page(POST=chairs_only(REDIRECTED, body={"name": ""})),
    "reviews:round": page(REVIEW_ROUND, GET=chairs_only(), POST=chairs_only(FORM_DONE, body={"name": ""})),
    # --- The action log (chairs) -------------------------------------------------------------
    "actionlog:log": page(GET=chairs_only()),
    "api:actions": api(GET=chairs_only()),
    # --- The outbox (chairs): mail, held batches, the edition's templates ---------------------
    "outbox:mail": page(GET=chairs_only()),
    "outbox:batches": page(GET=chairs_only()),
    "outbox:batch": page(HELD_BATCH, GET=chairs_only()),
    "outbox:batch_release": page(HELD_BATCH, POST=chairs_only(REDIRECTED)),
    "outbox:batch_cancel": page(HELD_BATCH, POST=chairs_only(REDIRECTED)),
    "outbox:mail_edit": page(HELD_MAIL, GET=chairs_only(), POST=chairs_only(FORM_DONE, body={"subject": ""})),
    "outbox:mail_remove": page(HELD_MAIL, POST=chairs_only(REDIRECTED)),
    "outbox:templates": page(GET=chairs_only()),
    "outbox:template": page(GET=chairs_only(), POST=chairs_only(FORM_DONE, body={"subject": "{% if %}"})),
    "outbox:template_reset": page(POST=chairs_only(REDIRECTED)),
    "outbox:compose": page(GET=chairs_only(), POST=chairs_only(FORM_DONE, body={"subject": ""})),
    "mail_preferences:preference": page(GET=check(SIGNED_IN, SHOWN), POST=check(SIGNED_IN, FORM_DONE)),
    "mail_preferences:unsubscribe": page(UNSUBSCRIBE, GET=check(EVERYONE, SHOWN), POST=check(EVERYONE, SHOWN)),
    "api:mail-recipient-set-list": api(GET=chairs_only()),
    "api:mail-compose-preview": api(POST=chairs_only(API_INVALID, body=BAD_COMPOSE)),
    "api:mail-compose-queue": api(POST=chairs_only(API_INVALID, body=BAD_COMPOSE)),
    "api:mail-preference": api(
        GET=check(SIGNED_IN, SHOWN), PUT=check(SIGNED_IN, API_INVALID, body={"no_non_essential": "maybe"})
    ),
    "api:mail-list": api(GET=chairs_only()),
    "api:mail-batch-list": api(GET=chairs_only()),
    "api:mail-batch-detail": api(HELD_BATCH, GET=chairs_only()),
    "api:mail-batch-release": api(HELD_BATCH, POST=chairs_only(SHOWN)),
    "api:mail-batch-cancel": api(HELD_BATCH, POST=chairs_only(SHOWN)),
    # --- API: editions and the caller's account ---------------------------------------------
    "api:edition-list": api(GET=check(EVERYONE, SHOWN)),
    "api:edition-detail": api(GET=check(EVERYONE, SHOWN)),
    "api:edition-set-deadlines": api(PUT=chairs_only(API_INVALID, body=[{"phase": "never"}])),
    "conferences:releases": page(GET=chairs_only(), POST=chairs_only(REDIRECTED, body={"kind": "never"})),
    "api:edition-releases": api(GET=chairs_only(), POST=chairs_only(API_INVALID, body={"kind": "never"})),
    # Chairs' extensions of input deadlines, per paper or per person.
    "api:extension-list": api(GET=chairs_only(), POST=chairs_only(API_INVALID, body={"phase": "never"})),
    "api:extension-detail": api(
        {"pk": "extension.pk"},
        GET=chairs_only(),
        PATCH=chairs_only(API_INVALID, body={"until": "soon"}),
        DELETE=chairs_only(API_DONE),
    ),
    "api:edition-update-settings": api(PATCH=chairs_only(API_INVALID, body={"time_zone": "Nowhere/Void"})),
    "api:me": api(GET=check(SIGNED_IN, SHOWN), PATCH=check(SIGNED_IN, API_INVALID, body={"orcid": "bad"})),
    "api:me-publications-import": api(POST=check(SIGNED_IN, API_INVALID, body={})),
    "api:tokens": api(GET=check(SIGNED_IN, SHOWN), POST=check(SIGNED_IN, API_INVALID, body={"name": ""})),
    "api:token": api(DELETE=check(frozenset({"author"}), API_DONE, refused=HIDDEN)),  # the author's token
    "api:schema": api(GET=check(EVERYONE, SHOWN)),
    "api:docs": api(GET=check(EVERYONE, SHOWN)),
    "api:redoc": api(GET=check(EVERYONE, SHOWN)),
    # --- API: the committee and invitations --------------------------------------------------
    "api:role-list": api(GET=chairs_only(), POST=chairs_only(API_INVALID, body={})),
    "api:role-detail": api(
        {"pk": "role.pk"},
        PATCH=chairs_only(API_INVALID, body={"max_load": -1}),
        DELETE=chairs_only(API_DONE),
    ),
    "api:invitation-list": api(GET=chairs_only(), POST=chairs_only(API_INVALID, body={})),
    "api:invitation-bulk": api(POST=chairs_only(API_INVALID, body={"text": "not-an-address"})),
    "api:invitation-detail": api({"pk": "invitation.pk"}, GET=chairs_only()),
    # Resending too soon after the last mail is a 400 with the reason.
    "api:invitation-resend": api({"pk": "invitation.pk"}, POST=chairs_only(API_DONE | API_INVALID)),
    "api:invitation-revoke": api({"pk": "invitation.pk"}, POST=chairs_only(API_DONE)),
    "api:invitation-by-token": api(GET=check(EVERYONE, SHOWN)),
    "api:invitation-accept": api(POST=check(SIGNED_IN, SHOWN)),
    "api:invitation-decline": api(POST=check(EVERYONE, SHOWN)),
    # --- API: submissions -----------------------------------------------------------------
    "api:submission-list": api(GET=check(SIGNED_IN, SHOWN), POST=check(SIGNED_IN, API_INVALID, body={})),
    "api:submission-detail": api(
        GET=paper_p(SEES_PAPER, SHOWN), PATCH=paper_p(AUTHORS, API_INVALID, body={"title": ""}, **AUTHORS_ONLY_ON_P)
    ),
    "api:submission-conflicts": api(
        GET=paper_p(SEES_PAPER, SHOWN, **NOT_THE_CONFLICTED_CHAIR),
        PUT=paper_p(SEES_PAPER, API_INVALID, body={}, **NOT_THE_CONFLICTED_CHAIR),
    ),
    "api:submission-files": api(GET=paper_p(SEES_PAPER, SHOWN)),
    "api:submission-upload-paper": api(POST=paper_p(AUTHORS, API_INVALID, body={}, **AUTHORS_ONLY_ON_P)),
    "api:submission-upload-supplementary": api(POST=paper_p(AUTHORS, API_INVALID, body={}, **AUTHORS_ONLY_ON_P)),
    "api:submission-withdraw": api(POST=paper_p(SEES_PAPER, SHOWN)),
    # --- API: bidding -----------------------------------------------------------------------
    "api:bidding-bids": api(GET=check(PC_MEMBERS, SHOWN)),
    "api:bidding-bid": api(
        GET=check(BIDS_ON_PAPER, SHOWN, **NOT_FOR_CONFLICTED),
        PUT=check(BIDS_ON_PAPER, API_INVALID, body=BAD_BID, **NOT_FOR_CONFLICTED),
        DELETE=check(BIDS_ON_PAPER, API_DONE, **NOT_FOR_CONFLICTED),
    ),
    "api:bidding-stats": api(GET=chairs_only()),
    "api:bidding-affinity-compute": api(POST=chairs_only(API_DONE)),
    # --- API: assignments -------------------------------------------------------------------
    "api:assignment-run-list": api(GET=chairs_only(), POST=chairs_only(API_INVALID, body={"bid_weight": "heavy"})),
    "api:assignment-run-detail": api({"pk": "run.pk"}, GET=chairs_only()),
    "api:assignment-list": api(GET=chairs_only(), POST=chairs_only(API_INVALID, body={})),
    "api:assignment-commit": api(POST=chairs_only(SHOWN, body={"override_reason": "abstracts still open here"})),
    "api:assignment-detail": api({"pk": "assignment.pk"}, DELETE=conflicted_chair_loses(API_DONE)),  # P's assignment
    "api:paper-to-review-list": api(GET=check(ON_PC, SHOWN)),
    "api:paper-to-review-detail": api(GET=paper_p(REVIEWS_PAPER, SHOWN)),
    "api:review-rating": api(
        SUBMITTED_REVIEW,
        GET=paper_p(frozenset({"chair", "pc_assigned"}), SHOWN),
        PUT=paper_p(frozenset({"chair"}), API_INVALID, body=BAD_RATING, pc_assigned=FORBIDDEN),
        DELETE=paper_p(frozenset({"chair"}), API_DONE, pc_assigned=FORBIDDEN),
    ),
    "api:review-types": api(
        GET=paper_p(frozenset({"chair"}), SHOWN, pc_assigned=FORBIDDEN),
        POST=paper_p(frozenset({"chair"}), API_INVALID, body={}, pc_assigned=FORBIDDEN),
    ),
    "api:review-statistics": api(GET=chairs_only()),
    "api:review-export": api(GET=chairs_only()),  # the conflicted chair's without P's reviews
    "api:edition-statistics": api(GET=chairs_only()),  # the conflicted chair's without P's reviews
    # P's discussion through the API (as its pages).
    "api:paper-comment-list": api(
        GET=paper_p(OPENS_P_THREAD, SHOWN),
        POST=paper_p(frozenset({"chair"}), API_INVALID, body=EMPTY_COMMENT, **NOT_YET_POSTING),
    ),
    "api:paper-comment-detail": api(
        CHAIR_COMMENT,
        GET=paper_p(frozenset({"chair"}), SHOWN),
        PATCH=paper_p(frozenset({"chair"}), API_INVALID, body={"body": ""}),
    ),
    "api:paper-comment-history": api(CHAIR_COMMENT, GET=paper_p(frozenset({"chair"}), SHOWN)),
    "api:paper-follow": api(
        GET=paper_p(OPENS_P_THREAD, SHOWN), PUT=paper_p(OPENS_P_THREAD, API_INVALID, body={"follows": "maybe"})
    ),
    "api:review-notification-preference": api(
        GET=check(SIGNED_IN, SHOWN), PUT=check(SIGNED_IN, API_INVALID, body={"mode": "sometimes"})
    ),
    # P's reviews as the caller may see them (its reviewer's page); the caller's dashboard; the
    # chairs' progress by area.
    "api:paper-reviews": api(GET=paper_p(REVIEWS_PAPER, SHOWN)),
    "api:author-reviews": api(GET=paper_p(AUTHORS, SHOWN)),
    "api:author-response": api(
        GET=paper_p(AUTHORS, SHOWN), PUT=paper_p(AUTHORS, API_INVALID, body={"body": ["x"], "submit": "maybe"})
    ),
    "api:paper-external-requests": api(
        GET=paper_p(REVIEWS_PAPER, SHOWN), POST=paper_p(REVIEWS_PAPER, API_INVALID, body=BAD_EXTERNAL)
    ),
    "api:external-request-list": api(GET=chairs_only()),
    "api:external-request-approve": api(EXTERNAL_REQUEST_PK, POST=conflicted_chair_loses(API_DONE)),
    "api:external-request-decline": api(EXTERNAL_REQUEST_PK, POST=conflicted_chair_loses(API_DONE)),
    "api:external-request-withdraw": api(EXTERNAL_REQUEST_PK, POST=conflicted_chair_loses(API_DONE)),
    "api:external-link": api(EXTERNAL_LINK, GET=check(EVERYONE, SHOWN)),
    # P's authors (and the chair conflicted with P) are refused by conflict detection: a 400.
    "api:external-link-accept": api(EXTERNAL_LINK, POST=check(SIGNED_IN, API_DONE | API_INVALID)),
    "api:external-link-decline": api(EXTERNAL_LINK, POST=check(EVERYONE, SHOWN)),
    "api:reviewer-dashboard": api(GET=check(SIGNED_IN, SHOWN)),
    "api:review-progress": api(GET=chairs_only()),
    "api:my-review": api(
        GET=paper_p(WRITES_P, SHOWN), PUT=paper_p(WRITES_P, API_INVALID, body={"answers": "none", "submit": "maybe"})
    ),
    "api:my-review-versions": api(GET=paper_p(WRITES_P, SHOWN)),
    "api:my-meta-review": api(GET=paper_p(NOBODY, SHOWN), PUT=paper_p(NOBODY, API_INVALID, body={"answers": "none"})),
    "api:my-meta-review-versions": api(GET=paper_p(NOBODY, SHOWN)),
    "api:review-field-list": api(
        REVIEW_FORM, GET=chairs_only(), POST=chairs_only(API_INVALID, body={"label": "", "type": "score"})
    ),
    "api:review-field-detail": api(
        REVIEW_FIELD,
        GET=chairs_only(),
        PATCH=chairs_only(API_INVALID, body={"label": ""}),
        DELETE=chairs_only(API_DONE),  # nobody answered it: deleted
    ),
    "api:review-settings": api(
        GET=chairs_only(), PATCH=chairs_only(API_INVALID, body={"pc_sees_reviews": "sometimes"})
    ),
    "api:review-round-list": api(GET=chairs_only(), POST=chairs_only(API_INVALID, body={"name": ""})),
    "api:review-round-detail": api(REVIEW_ROUND, PATCH=chairs_only(API_INVALID, body={"name": ""})),
    # --- Decisions: the chairs' dashboard, its bulk form and exports, and its API -------------
    # A conflicted chair gets every route but no row of P, and P's own routes answer them 404.
    # Artifact evaluation: P has an artifact (see world.py) but is not accepted, so its authors
    # see it and may not change it; AE roles only (a PC chair gets nothing), no AE member here.
    "artifacts:author": page(GET=paper_p(AUTHORS, SHOWN), POST=paper_p(NOBODY, FORM_DONE, **P_AUTHORS_REFUSED)),
    "artifacts:appendix_upload": page(POST=paper_p(NOBODY, REDIRECTED, **P_AUTHORS_REFUSED)),
    "artifacts:list": page(GET=check(AE_CHAIR, SHOWN)),
    "artifacts:hardware": page(GET=check(NOBODY, SHOWN), POST=check(NOBODY, FORM_DONE, body={"gpu_count": "x"})),
    "artifacts:detail": page(GET=paper_p(SEES_ARTIFACT, SHOWN)),
    "artifacts:appendix": page(GET=paper_p(NOBODY, SHOWN)),  # P's artifact has no appendix: a 404 for all
    "api:artifact-list": api(GET=check(SIGNED_IN, SHOWN), POST=check(SIGNED_IN, API_INVALID, body={})),
    "api:artifact-detail": api(
        GET=paper_p(SEES_ARTIFACT, SHOWN),
        PUT=paper_p(NOBODY, API_DONE, body={}, ae_chair=FORBIDDEN, **P_AUTHORS_REFUSED),
    ),
    "api:artifact-appendix": api(POST=paper_p(NOBODY, API_DONE, **P_AUTHORS_REFUSED)),
    "api:artifact-hardware": api(GET=check(NOBODY, SHOWN), PUT=check(NOBODY, API_DONE, body={})),
    "api:artifact-committee-hardware": api(GET=check(AE_CHAIR, SHOWN)),
    # Badges: the AE chair decides P's (none requested by the body: a decision of no badge) and
    # releases; the list of released awards is public, no login.
    "artifacts:badges_public": page(GET=check(EVERYONE, SHOWN)),
    "artifacts:badges_manage": page(GET=check(AE_CHAIR, SHOWN)),
    "artifacts:badges_release": page(POST=check(AE_CHAIR, REDIRECTED)),
    "artifacts:badges_decide": page(POST=paper_p(AE_CHAIR, REDIRECTED, **P_AUTHORS_REFUSED)),
    "api:artifact-badges-public": api(GET=check(EVERYONE, SHOWN)),
    "api:artifact-badges-release": api(POST=check(AE_CHAIR, API_DONE)),
    "api:artifact-badges": api(
        GET=paper_p(SEES_ARTIFACT, SHOWN),
        PUT=paper_p(AE_CHAIR, API_INVALID, body={"badges": "x"}, **P_AUTHORS_REFUSED),
    ),
    # The AE stage is the AE chairs'; P's thread and evaluations are read by its authors and the AE
    # chair (nobody posts: the world's stage is registration); nobody here evaluates P.
    "artifacts:stage": page(GET=check(AE_CHAIR, SHOWN), POST=check(AE_CHAIR, FORM_DONE, body={"stage": "x"})),
    "artifacts:thread": page(
        GET=paper_p(SEES_ARTIFACT, SHOWN), POST=paper_p(NOBODY, FORM_DONE, **P_AUTHORS_REFUSED, ae_chair=FORBIDDEN)
    ),
    "artifacts:evaluation": page(
        GET=paper_p(NOBODY, SHOWN, **P_AUTHORS_REFUSED, ae_chair=FORBIDDEN),
        POST=paper_p(NOBODY, FORM_DONE, **P_AUTHORS_REFUSED, ae_chair=FORBIDDEN),
    ),
    "artifacts:evaluations": page(GET=paper_p(SEES_ARTIFACT, SHOWN)),
    "api:artifact-stage": api(GET=check(AE_CHAIR, SHOWN), PUT=check(AE_CHAIR, API_INVALID, body={"stage": "x"})),
    "api:artifact-thread": api(
        GET=paper_p(SEES_ARTIFACT, SHOWN),
        POST=paper_p(NOBODY, API_DONE, body={"body": ""}, **P_AUTHORS_REFUSED, ae_chair=FORBIDDEN),
    ),
    "api:artifact-evaluation": api(
        GET=paper_p(NOBODY, SHOWN, **P_AUTHORS_REFUSED, ae_chair=FORBIDDEN),
        PUT=paper_p(NOBODY, API_DONE, body={}, **P_AUTHORS_REFUSED, ae_chair=FORBIDDEN),
    ),
    "api:artifact-evaluations": api(GET=paper_p(SEES_ARTIFACT, SHOWN)),
    # AE bidding and evaluator assignment: AE members bid (none here), AE chairs assign; the
    # world has no AE member, so a run is refused with the reason (a message, or a 400).
    "artifacts:bidding": page(GET=check(NOBODY, SHOWN), POST=check(NOBODY, FORM_DONE, body={"level": "9"})),
    "artifacts:assignment": page(
        GET=check(AE_CHAIR, SHOWN), POST=check(AE_CHAIR, FORM_DONE, body={"min_evaluators": "0"})
    ),
    "artifacts:assignment_run": page(POST=check(AE_CHAIR, REDIRECTED)),
    "artifacts:assignment_commit": page(POST=check(AE_CHAIR, REDIRECTED)),
    "artifacts:assignment_remove": page(ARTIFACT_ASSIGNMENT, POST=check(AE_CHAIR, REDIRECTED)),
    "api:artifact-bids": api(GET=check(NOBODY, SHOWN)),
    "api:artifact-bid": api(PUT=check(NOBODY, API_DONE, body={"level": 2})),
    "api:artifact-assignment": api(GET=check(AE_CHAIR, SHOWN)),
    "api:artifact-assignment-settings": api(PUT=check(AE_CHAIR, API_INVALID, body={"min_evaluators": 0})),
    "api:artifact-assignment-run": api(POST=check(AE_CHAIR, API_INVALID)),
    "api:artifact-assignment-commit": api(POST=check(AE_CHAIR, API_DONE)),
    "api:artifact-assignment-detail": api(ARTIFACT_ASSIGNMENT, DELETE=check(AE_CHAIR, API_DONE)),
    # Camera-ready: P is not accepted, so its authors open its camera-ready page and are refused
    # any change with the reason; the chairs see the final versions of accepted papers only (P's:
    # a 404, as for anyone else), never change them, and have their own page, CSV and settings.
    "camera_ready:author": page(GET=paper_p(AUTHORS, SHOWN), POST=paper_p(NOBODY, FORM_DONE, **P_AUTHORS_REFUSED)),
    "camera_ready:confirm": page(POST=paper_p(NOBODY, REDIRECTED, **P_AUTHORS_REFUSED)),
    "camera_ready:licence": page(POST=paper_p(NOBODY, REDIRECTED, **P_AUTHORS_REFUSED)),
    "camera_ready:upload": page(POST=paper_p(NOBODY, REDIRECTED, **P_AUTHORS_REFUSED)),
    "camera_ready:pdf": page(GET=paper_p(NOBODY, SHOWN)),  # P has no final PDF: a 404 for all
    "camera_ready:chairs": page(GET=chairs_only()),
    "camera_ready:settings": page(POST=chairs_only(REDIRECTED, body={"page_limit": "x"})),
    "camera_ready:export_csv": page(GET=chairs_only()),
    "api:camera-ready-status": api(GET=chairs_only()),
    "api:camera-ready-final": api(
        GET=paper_p(AUTHORS, SHOWN), PUT=paper_p(NOBODY, API_INVALID, body={}, **P_AUTHORS_REFUSED)
    ),
    "api:camera-ready-confirm": api(POST=paper_p(NOBODY, API_DONE, **P_AUTHORS_REFUSED)),
    "api:camera-ready-licence": api(POST=paper_p(NOBODY, API_INVALID, body={}, **P_AUTHORS_REFUSED)),
    "api:camera-ready-pdf": api(POST=paper_p(NOBODY, API_DONE, **P_AUTHORS_REFUSED)),
    # Proceedings: the chairs' (the conflicted one too: it is all made from the public program).
    # Nothing is published in the world, so a build is refused with the reason (a message, a 400)
    # and no build exists: a build's status, file and API detail are the 404 of a missing one.
    "proceedings:dashboard": page(GET=chairs_only()),
    "proceedings:build": page(POST=chairs_only(REDIRECTED, body={"kind": "booklet"})),
    "proceedings:status": page({"build_id": "paper.pk"}, GET=check(CHAIRS, frozenset({404}))),
    "proceedings:download": page({"build_id": "paper.pk"}, GET=check(CHAIRS, frozenset({404}))),
    "api:proceedings-build-list": api(GET=chairs_only(), POST=chairs_only(API_INVALID, body={"kind": "booklet"})),
    "api:proceedings-build-detail": api({"build_id": "paper.pk"}, GET=check(CHAIRS, frozenset({404}))),
    "api:proceedings-build-download": api({"build_id": "paper.pk"}, GET=check(CHAIRS, frozenset({404}))),
    "decisions:dashboard": page(GET=chairs_only()),
    "decisions:bulk": page(POST=chairs_only(REDIRECTED, body={"papers": ["1"], "category": "x"})),  # a message
    "decisions:export_csv": page(GET=chairs_only()),
    "decisions:export_json": page(GET=chairs_only()),
    "api:decision-list": api(GET=chairs_only()),
    "api:decision-bulk": api(POST=chairs_only(API_INVALID, body={"papers": [], "category": 0})),
    "api:decision-category-list": api(GET=chairs_only()),
    "api:decision-tag-list": api(GET=chairs_only()),
    "api:decision-order": api(GET=chairs_only(), PUT=chairs_only(API_INVALID, body={"papers": "x"})),
    "api:decision-export": api(GET=chairs_only()),
    "api:paper-decision": api(
        GET=conflicted_chair_loses(SHOWN), PUT=conflicted_chair_loses(API_INVALID, body={"category": "x"})
    ),
    "api:paper-tag-list": api(POST=conflicted_chair_loses(API_INVALID, body={"name": "two words"})),
    "api:paper-tag-detail": api(DECISION_TAG, DELETE=conflicted_chair_loses(API_DONE)),
    # The PC meeting's live page and its JSON: every PC member and chair (each shown what they
    # may see); the chairs run it (no meeting is open in the world: a message, or a 400).
    "decisions:meeting": page(GET=check(ON_PC, SHOWN)),
    "decisions:meeting_state": page(GET=check(ON_PC, SHOWN)),
    "decisions:meeting_control": page(POST=chairs_only(REDIRECTED, body={"action": "next"})),
    "decisions:meeting_decide": page(POST=chairs_only(REDIRECTED, body={"number": "1", "category": "x"})),
    "api:decision-meeting": api(GET=check(ON_PC, SHOWN)),
    "api:decision-meeting-control": api(POST=chairs_only(API_INVALID, body={"action": "nope"})),
    "api:decision-meeting-decide": api(POST=chairs_only(API_INVALID, body={"number": "x"})),
    # The program builder: the PC chairs' only (both: authors are no secret to them once papers
    # are accepted). The world's draft (a room, a session, Q placed in it) is made on demand;
    # publishing an empty program is turned down with the reason (a message, or a 400).
    "program:builder": page(GET=chairs_only()),
    "program:builder_rooms": page(GET=chairs_only(), POST=chairs_only(FORM_DONE, body={"name": ""})),
    "program:builder_room_edit": page({"room_id": "program_room.pk"}, POST=chairs_only(REDIRECTED)),
    "program:builder_room_move": page({"room_id": "program_room.pk"}, POST=chairs_only(REDIRECTED)),
    "program:builder_room_remove": page({"room_id": "program_room.pk"}, POST=chairs_only(REDIRECTED)),
    "program:builder_session_add": page(GET=chairs_only(), POST=chairs_only(FORM_DONE, body={"title": ""})),
    "program:builder_session": page(
        {"session_id": "program_session.pk"}, GET=chairs_only(), POST=chairs_only(FORM_DONE, body={"title": ""})
    ),
    "program:builder_session_remove": page({"session_id": "program_session.pk"}, POST=chairs_only(REDIRECTED)),
    "program:builder_place": page(POST=chairs_only(REDIRECTED, body={"number": "x"})),
    "program:builder_slot_move": page({"slot_id": "program_slot.pk"}, POST=chairs_only(REDIRECTED)),
    "program:builder_slot_duration": page({"slot_id": "program_slot.pk"}, POST=chairs_only(REDIRECTED)),
    "program:builder_slot_remove": page({"slot_id": "program_slot.pk"}, POST=chairs_only(REDIRECTED)),
    "program:builder_publish": page(POST=chairs_only(REDIRECTED)),
    "program:builder_versions": page(GET=chairs_only()),
    "api:program-builder-rooms": api(GET=chairs_only(), POST=chairs_only(API_INVALID, body={"name": ""})),
    "api:program-builder-room": api(
        {"room_id": "program_room.pk"},
        PATCH=chairs_only(API_INVALID, body={"capacity": -1}),
        DELETE=chairs_only(API_DONE),
    ),
    "api:program-builder-sessions": api(GET=chairs_only(), POST=chairs_only(API_INVALID, body={"title": ""})),
    "api:program-builder-session": api(
        {"session_id": "program_session.pk"},
        GET=chairs_only(),
        PATCH=chairs_only(API_INVALID, body={"kind": "x"}),
        DELETE=chairs_only(API_DONE),
    ),
    "api:program-builder-slots": api(POST=chairs_only(API_INVALID, body={})),
    "api:program-builder-slot": api(
        {"slot_id": "program_slot.pk"},
        PATCH=chairs_only(API_INVALID, body={"duration_minutes": 0}),
        DELETE=chairs_only(API_DONE),
    ),
    "api:program-builder-conflicts": api(GET=chairs_only()),
    "api:program-builder-changes": api(GET=chairs_only()),
    "api:program-builder-publish": api(POST=chairs_only(API_INVALID)),
    "api:program-builder-versions": api(GET=chairs_only()),
    # The public program and its exports: no login, the same for everyone; the world has a draft
    # but no published version, so every route is the friendly 404 for everyone, anonymous too
    # (tests/program/test_public_*.py cover the 200s once published).
    "program:public_schedule": page(GET=check(NOBODY, SHOWN, refused=HIDDEN, anonymous=HIDDEN)),
    "program:public_session": page(
        {"session_id": "program_session.pk"}, GET=check(NOBODY, SHOWN, refused=HIDDEN, anonymous=HIDDEN)
    ),
    "program:public_session_ics": page(
        {"session_id": "program_session.pk"}, GET=check(NOBODY, SHOWN, refused=HIDDEN, anonymous=HIDDEN)
    ),
    "program:public_paper": page(GET=check(NOBODY, SHOWN, refused=HIDDEN, anonymous=HIDDEN)),
    "program:public_paper_bib": page(GET=check(NOBODY, SHOWN, refused=HIDDEN, anonymous=HIDDEN)),
    "program:public_paper_pdf": page(GET=check(NOBODY, SHOWN, refused=HIDDEN, anonymous=HIDDEN)),
    "program:public_search": page(GET=check(NOBODY, SHOWN, refused=HIDDEN, anonymous=HIDDEN)),
    "program:public_authors": page(GET=check(NOBODY, SHOWN, refused=HIDDEN, anonymous=HIDDEN)),
    "program:public_changes": page(GET=check(NOBODY, SHOWN, refused=HIDDEN, anonymous=HIDDEN)),
    "program:public_ics": page(GET=check(NOBODY, SHOWN, refused=HIDDEN, anonymous=HIDDEN)),
    "program:public_json": page(GET=check(NOBODY, SHOWN, refused=HIDDEN, anonymous=HIDDEN)),
    "program:public_csv": page(GET=check(NOBODY, SHOWN, refused=HIDDEN, anonymous=HIDDEN)),
    "program:public_xml": page(GET=check(NOBODY, SHOWN, refused=HIDDEN, anonymous=HIDDEN)),
    "api:program-public": api(GET=check(NOBODY, SHOWN, refused=HIDDEN, anonymous=HIDDEN)),
    "api:program-public-papers": api(GET=check(NOBODY, SHOWN, refused=HIDDEN, anonymous=HIDDEN)),
    "api:program-public-paper": api(GET=check(NOBODY, SHOWN, refused=HIDDEN, anonymous=HIDDEN)),
    "api:program-public-session": api(
        {"session_id": "program_session.pk"}, GET=check(NOBODY, SHOWN, refused=HIDDEN, anonymous=HIDDEN)
    ),
}

# Django's admin: staff only (no persona is staff), for every model it registers, so its
# routes are generated rather than listed. Its login page sends visitors to the site's
# sign-in and refuses anyone signed in who is not staff; logout is a POST.
ADMIN_NAMESPACE = "admin:"
ADMIN_LOGIN = check(NOBODY, SHOWN)
ADMIN_LOGOUT = check(EVERYONE, FORM_DONE)
ADMIN_STAFF_ONLY = check(NOBODY, SHOWN, refused=302)


# Each registered model adds five admin routes behind the same staff guard; the changelist
# and change page of every model are requested, its add, history, delete and bare-id
# redirect pages are not (they would only repeat the answer, ~600 requests).
ADMIN_SAME_GUARD_SUFFIXES = ("_add", "_history", "_delete")


def requested(key: str) -> bool:
    """Whether the matrix sends requests to this route (every route still needs an entry)."""
    if not key.startswith(ADMIN_NAMESPACE):
        return True
    return not (key.endswith(ADMIN_SAME_GUARD_SUFFIXES) or key.endswith("<path:object_id>/"))


def admin_entry(key: str) -> Entry:
    if key in ("admin:login", "admin/login/"):  # the site's own view answers /admin/login/
        return page(GET=ADMIN_LOGIN)
    if key == "admin:logout":
        return page(POST=ADMIN_LOGOUT)
    return Entry("admin", MappingProxyType({"GET": ADMIN_STAFF_ONLY}))


# --- The URL configuration, walked -------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # the route's name with its namespaces; unnamed ones by their pattern
    name: str | None
    pattern: str  # the full pattern, for messages and unnamed routes
    params: tuple[str, ...]
    callback: Callable[..., Any]

    def served_methods(self) -> set[str] | None:
        """The methods an API view implements (None for a function view: unknowable)."""
        actions = getattr(self.callback, "actions", None)  # a viewset adds "head" once it has served a GET
        cls = getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)
        if actions:
            methods = set(actions)
        elif cls is not None:
            methods = {m for m in cls.http_method_names if hasattr(cls, m)}
        else:
            return None
        return {m.upper() for m in methods - {"head", "options"}}


def _params(pattern: Any) -> tuple[str, ...]:
    """The parameters a pattern captures, read from its text (the resolver's own converter
    maps can change as it resolves and reverses)."""
    if isinstance(pattern, RoutePattern):
        return tuple(re.findall(r"<(?:\w+:)?(\w+)>", str(pattern)))
    return tuple(re.compile(str(pattern)).groupindex)


def walk(
    resolver: URLResolver | None = None,
    prefix: str = "",
    namespaces: tuple[str, ...] = (),
    params: tuple[str, ...] = (),
) -> Iterator[Route]:
    """Every route of the URL configuration, however deeply included."""
    resolver = resolver or get_resolver()
    for item in resolver.url_patterns:
        pattern = prefix + str(item.pattern)
        found = params + _params(item.pattern)
        if isinstance(item, URLResolver):
            yield from walk(item, pattern, namespaces + ((item.namespace,) if item.namespace else ()), found)
        elif isinstance(item, URLPattern):
            name = ":".join((*namespaces, item.name)) if item.name else None
            key = name or ":".join((*namespaces, pattern))
            yield Route(key, name, pattern, found, item.callback)


def entry_for(key: str) -> Entry | None:
    if key.startswith(ADMIN_NAMESPACE) or key == "admin/login/":
        return admin_entry(key)
    return MATRIX.get(key)


def url_kwargs(route: Route, entry: Entry, world: World) -> dict[str, Any]:
    values: dict[str, Any] = {
        "edition_slug": world.slug,
        "number": world.paper.number,
        "file_id": world.paper_file.pk,
        "kind": "paper",
        "role_id": world.role.pk,
        "invitation_id": world.invitation.pk,
        "assignment_id": world.assignment.pk,
        "token": world.invitation.token,
        "token_id": world.api_token.pk,
        # allauth's keyed links and the admin's object pages: values that name nothing
        "key": "no-such-key",
        "uidb36": "zz",
        "object_id": "1",
        "content_type_id": "1",
        "id": "1",
        "app_label": "submissions",
        "url": "no-such-page/",
        "mail_app": "bidding",  # the outbox's template pages: a mail that exists
        "mail_name": "few_bids",
    }
    values.update({param: operator.attrgetter(attribute)(world) for param, attribute in entry.params.items()})
    return {p: values[p] for p in route.params}
