"""A lively demo edition for newcomers: ``manage.py seed_demo``. Idempotent: every object
is looked up by a natural key before it is created, so a second run creates nothing."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from bidding.models import Affinity
from bidding.services import affinity_compute
from committees.models import Invitation
from committees.services import invitation_send, role_grant
from conferences.models import Area, Deadline, Edition, Phase
from conferences.roles import RoleKind
from site_pages.demo_artifacts import seed_artifact_phase
from site_pages.demo_program import seed_program_phase
from site_pages.demo_review import seed_review_phase
from submissions.models import Submission
from submissions.services import AuthorInput, paper_upload, submission_register

DEMO_PASSWORD = "demo-pass-2027"  # noqa: S105 - printed for the newcomer, demo data only
DEMO_DOMAIN = "mlsys.example.org"  # the chairs' own
PAPERS_FILE = Path(__file__).parent / "demo_data" / "papers.json"

SECTIONS = [
    "Introduction",
    "Background and Motivation",
    "Design",
    "Implementation",
    "Evaluation",
    "Related Work",
    "Conclusion",
]
FILLER = (
    "We study the interplay between the system and the learning algorithm in depth. Our measurements "
    "cover a range of workloads and hardware configurations, and the results hold across them. "
    "The design keeps the common path fast and moves rare cases off it; each component can be "
    "replaced without touching the others, which we found essential in practice."
)
# Each demo person writes from their institution's (made-up) domain, so that automatic
# conflicts of interest come out as they would in a real edition.
INSTITUTIONS = {
    "Stanford University": "stanford.example.edu",
    "ETH Zurich": "ethz.example.ch",
    "Carnegie Mellon University": "cmu.example.edu",
    "University of Toronto": "utoronto.example.ca",
    "MIT": "mit.example.edu",
    "Tsinghua University": "tsinghua.example.cn",
    "UC Berkeley": "berkeley.example.edu",
    "University of Cambridge": "cam.example.ac.uk",
    "KAIST": "kaist.example.kr",
    "EPFL": "epfl.example.ch",
}
AFFILIATIONS = list(INSTITUTIONS)
FIRST = [
    "Ada",
    "Alan",
    "Barbara",
    "Chen",
    "Dmitri",
    "Edsger",
    "Fei",
    "Grace",
    "Hiro",
    "Ines",
    "Jun",
    "Karen",
    "Leslie",
    "Maria",
    "Niklaus",
    "Olga",
    "Priya",
    "Quentin",
    "Radia",
    "Sanjay",
    "Tao",
    "Ursula",
    "Vint",
    "Wei",
]
LAST = [
    "Lovelace",
    "Turing",
    "Liskov",
    "Wang",
    "Ivanov",
    "Dijkstra",
    "Li",
    "Hopper",
    "Tanaka",
    "Garcia",
    "Park",
    "Jones",
    "Lamport",
    "Rossi",
    "Wirth",
    "Petrova",
    "Patel",
    "Dubois",
    "Perlman",
    "Ghemawat",
    "Zhang",
    "Franklin",
    "Cerf",
    "Chen",
]


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


def make_paper_pdf(title: str, abstract: str, pages_of_text: int = 3, authors: list[str] | None = None) -> bytes:
    """A paper of about ``pages_of_text`` + 2 pages: anonymous, or naming ``authors`` (a final version)."""
    from weasyprint import HTML  # slow to load (Pango): only when a PDF is made, not a cycle

    html = render_to_string(
        "site_pages/demo/paper.html",
        {
            "title": title,
            "abstract": abstract,
            "authors": authors or [],
            "sections": SECTIONS[: 2 + pages_of_text],
            "paragraphs": [FILLER] * 5,
        },
    )
    return HTML(string=html).write_pdf()


def _user(report: DemoReport, email: str, first: str, last: str, **profile: object) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            **profile,
        )
        report.created.append(f"user {email}")
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _edition(report: DemoReport, slug: str, name: str, **fields: object) -> Edition:
    edition, created = Edition.objects.get_or_create(slug=slug, defaults={"name": name, **fields})
    if created:
        report.created.append(f"edition {slug}")
    return edition


def _deadlines(report: DemoReport, edition: Edition, offsets: dict[Phase, int]) -> None:
    """Deadlines ``offsets[phase]`` days from now at 23:59:59 AoE, unless already set."""
    now = timezone.now()
    for phase, days in offsets.items():
        moment = (now + timedelta(days=days)).replace(hour=11, minute=59, second=59, microsecond=0)  # 23:59:59 AoE
        _, created = Deadline.objects.get_or_create(edition=edition, phase=phase, defaults={"closes_at": moment})
        if created:
            report.created.append(f"deadline {edition.slug}/{phase.value}")


def _interleaved(records: list[dict]) -> list[dict]:
    """Systems and ML papers in turn, so any number of demo papers is balanced."""
    by_area = [[r for r in records if r["area"] == area] for area in ("systems", "ml")]
    return [{**r, "title": r["title"].strip()} for pair in zip(*by_area, strict=False) for r in pair]


def _profile(member: User, records: list[dict], rng: random.Random) -> None:
    """Keywords and a few publications in the member's area, for the affinities; a member's
    own edits are kept."""
    if member.keywords or member.publications:
        return
    own = rng.sample(records, k=min(2, len(records)))
    member.keywords = ", ".join(dict.fromkeys(k.strip() for r in own for k in r["keywords"].split(",")))
    member.publications = "\n\n".join(f"{r['title']}\n{r['abstract']}" for r in own)
    member.save(update_fields=["keywords", "publications"])


@transaction.atomic
def seed_demo(
    *, papers: int = 24, review_phase: bool = False, artifact_phase: bool = False, program_phase: bool = False
) -> DemoReport:
    """The demo; with ``review_phase``, also the edition in its review phase
    (:mod:`site_pages.demo_review`); with ``artifact_phase``, the edition in its artifact
    evaluation (:mod:`site_pages.demo_artifacts`); with ``program_phase``, the edition with its
    published program (:mod:`site_pages.demo_program`)."""
    report = DemoReport()
    rng = random.Random(2027)  # noqa: S311 - a reproducible demo, not a secret
    current = _edition(
        report,
        "mlsys2027",
        "MLSys 2027",
        tagline="The Conference on Machine Learning and Systems",
        venue="San Jose, California",
        starts_on=(timezone.now() + timedelta(days=160)).date(),
        ends_on=(timezone.now() + timedelta(days=163)).date(),
        time_zone="America/Los_Angeles",
        contact_email=f"chairs@{DEMO_DOMAIN}",
        call_for_papers="MLSys welcomes work at the intersection of machine learning and systems. "
        "Every paper is reviewed jointly by Systems and ML experts.",
    )
    _deadlines(
        report,
        current,
        {
            Phase.ABSTRACT_REGISTRATION: 4,
            Phase.PAPER_SUBMISSION: 11,
            Phase.SUPPLEMENTARY_MATERIAL: 18,
            Phase.BIDDING: 25,
            Phase.REVIEWING: 60,
            Phase.AUTHOR_RESPONSE: 67,
            Phase.DISCUSSION: 80,
            Phase.NOTIFICATION: 88,
            Phase.CAMERA_READY: 115,
            Phase.ARTIFACT_REGISTRATION: 95,
            Phase.ARTIFACT_EVALUATION: 125,
            Phase.PROGRAM_PUBLICATION: 130,
        },
    )
    past = _edition(
        report,
        "mlsys2026",
        "MLSys 2026",
        venue="Santa Clara, California",
        starts_on=(timezone.now() - timedelta(days=200)).date(),
        ends_on=(timezone.now() - timedelta(days=197)).date(),
        time_zone="America/Los_Angeles",
    )
    _deadlines(
        report,
        past,
        {
            Phase.ABSTRACT_REGISTRATION: -400,
            Phase.PAPER_SUBMISSION: -393,
            Phase.NOTIFICATION: -300,
            Phase.CAMERA_READY: -270,
            Phase.PROGRAM_PUBLICATION: -240,
        },
    )

    chair = _user(
        report,
        f"chair@{DEMO_DOMAIN}",
        "Carla",
        "Chair",
        affiliation="MLSys Foundation",
        is_staff=True,  # the demo chair also runs the site, so the Django admin is theirs too
        is_superuser=True,
    )
    role_grant(edition=current, user=chair, kind=RoleKind.PC_CHAIR, by=chair)
    role_grant(edition=past, user=chair, kind=RoleKind.PC_CHAIR, by=chair)
    ae_chair = _user(
        report,
        f"ae-chair@{INSTITUTIONS['University of Toronto']}",
        "Arturo",
        "Evans",
        affiliation="University of Toronto",
    )
    role_grant(edition=current, user=ae_chair, kind=RoleKind.AE_CHAIR, by=chair)
    report.logins += [
        (chair.email, "PC chair (and Django admin)"),
        (ae_chair.email, "AE chair"),
    ]

    records = _interleaved(json.loads(PAPERS_FILE.read_text()))
    submitted, unsubmitted = records[:papers], records[papers:]
    pc_by_area: dict[str, list[User]] = {Area.SYSTEMS: [], Area.ML: []}
    for area, prefix, expertise in (
        (Area.SYSTEMS, "pc-sys", "systems"),
        (Area.ML, "pc-ml", "ml"),
    ):
        for i in range(1, 9):
            member = _user(
                report,
                f"{prefix}-{i:02d}@{INSTITUTIONS[AFFILIATIONS[i % len(AFFILIATIONS)]]}",
                FIRST[(i * 3 + len(prefix)) % len(FIRST)],
                LAST[(i * 5 + len(prefix)) % len(LAST)],
                affiliation=AFFILIATIONS[i % len(AFFILIATIONS)],
                expertise=expertise,
            )
            pool = [r for r in unsubmitted if r["area"] == expertise] or [r for r in records if r["area"] == expertise]
            _profile(member, pool, rng)
            kind = RoleKind.AREA_CHAIR if i == 1 else RoleKind.PC_MEMBER
            role_grant(edition=current, user=member, kind=kind, area=area, by=chair)
            pc_by_area[area].append(member)
        report.logins.append((f"{prefix}-02@{INSTITUTIONS[AFFILIATIONS[2]]}", f"PC member ({area.label})"))
    for email, name, area in (  # invited, not answered yet: the committee page lists them
        (f"pending-sys@{INSTITUTIONS['KAIST']}", "Min-jun Kim", Area.SYSTEMS),
        (f"pending-ml@{INSTITUTIONS['EPFL']}", "Lea Moser", Area.ML),
    ):
        if not Invitation.objects.filter(edition=current, email=email).exists():
            invitation_send(edition=current, email=email, name=name, kind=RoleKind.PC_MEMBER, area=area, by=chair)
            report.created.append(f"invitation {email}")
    ae_members: list[User] = []
    for i in range(1, 4):
        member = _user(
            report,
            f"ae-{i:02d}@{INSTITUTIONS[AFFILIATIONS[i]]}",
            FIRST[i + 10],
            LAST[i + 12],
            affiliation=AFFILIATIONS[i],
        )
        role_grant(edition=current, user=member, kind=RoleKind.AE_MEMBER, by=chair)
        ae_members.append(member)

    authors = [
        _user(
            report,
            f"author-{i:02d}@{INSTITUTIONS[AFFILIATIONS[i % len(AFFILIATIONS)]]}",
            FIRST[i],
            LAST[-i],
            affiliation=AFFILIATIONS[i % len(AFFILIATIONS)],
        )
        for i in range(1, 11)
    ]
    report.logins.append((authors[0].email, "author"))

    for index, record in enumerate(submitted):
        if Submission.objects.filter(edition=current, title=record["title"]).exists():
            continue
        team = rng.sample(authors, k=rng.randint(1, 3))
        submission = submission_register(
            edition=current,
            title=record["title"],
            abstract=record["abstract"],
            topic=record["area"],
            keywords=record["keywords"],
            by=team[0],
            authors=[AuthorInput(a.display_name, a.email, a.affiliation, is_contact=(a == team[0])) for a in team],
        )
        if index % 4 != 3:  # most have a PDF; some are still abstracts only
            pdf = make_paper_pdf(record["title"], record["abstract"], pages_of_text=1 + index % 4)
            paper_upload(submission=submission, content=pdf, filename="paper.pdf", by=team[0])
        report.created.append(f"submission #{submission.number}")
    if report.created or not Affinity.objects.filter(submission__edition=current).exists():
        affinity_compute(edition=current)  # so papers come sorted by affinity when bidding opens
    if review_phase:
        seed_review_phase(report, chair=chair, members=pc_by_area, authors=authors, records=records)
    if artifact_phase:
        seed_artifact_phase(
            report, chair=chair, ae_chair=ae_chair, members=ae_members, authors=authors, records=records
        )
    if program_phase:
        session_chairs = [pc_by_area[Area.SYSTEMS][1], pc_by_area[Area.ML][1]]
        seed_program_phase(
            report, chair=chair, ae_chair=ae_chair, members=session_chairs, authors=authors, records=records
        )
    return report
