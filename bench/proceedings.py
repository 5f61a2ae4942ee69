"""Benchmark of the proceedings job (prints figures; no pass/fail).

    .venv/bin/python bench/proceedings.py [--papers 300] [--min-pages 8] [--max-pages 12] [--archive]

Creates a throwaway SQLite database and media folder in a temporary directory (removed at the
end unless ``--keep``), migrates it, and builds (bench/_program.py) an edition of PAPERS
accepted papers with a final PDF each (reportlab: 8 to 12 pages of text, every first page saying
"Paper N page 1"), a committee of 80 with names and affiliations, and a published program.
Then runs, in this process and through the real Celery job (eager: no broker), the front matter
build and the full proceedings build (which, after it, renders the front matter once instead of
twice, reusing its length; ``--cold`` skips the front matter build), and the archive with
``--archive``, and prints for each its wall time, the process's peak resident memory after it
(``ru_maxrss``, which includes the setup's), the Python heap's peak during it (tracemalloc, with
``--tracemalloc``: slower), the output's size and pages; then checks that the table of
contents' page of the last paper is where its first page really is.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
SLUG = "procbench2027"
LINES = (
    "We study the scheduling of learned systems on accelerators, measuring throughput and latency",
    "under realistic workloads; the results show that careful batching and placement matter more",
    "than raw compute, and that a simple cost model predicts the best configuration within 5%.",
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=300)
    parser.add_argument("--min-pages", type=int, default=8)
    parser.add_argument("--max-pages", type=int, default=12)
    parser.add_argument("--committee", type=int, default=80, help="PC and AE members listed in the front matter")
    parser.add_argument("--archive", action="store_true", help="also build the zip of final papers")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="no front matter build first: the proceedings render their front matter twice, not once",
    )
    parser.add_argument("--tracemalloc", action="store_true", help="measure the Python heap's peak (slower)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--seed", type=int, default=2027)
    return parser.parse_args()


def paper_pdf_maker(rng: random.Random, low: int, high: int) -> object:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    def make(number: int) -> bytes:
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, pagesize=letter)
        for page in range(1, rng.randint(low, high) + 1):
            pdf.setFont("Helvetica-Bold", 14)
            pdf.drawString(72, 720, f"Paper {number} page {page}")
            pdf.setFont("Helvetica", 10)
            for line in range(50):
                pdf.drawString(72, 690 - 12 * line, LINES[line % len(LINES)])
            pdf.showPage()
        pdf.save()
        return buffer.getvalue()

    return make


def add_committee(edition: object, size: int) -> object:
    from accounts.models import User
    from conferences.models import Area, Role
    from conferences.roles import RoleKind

    chair = User.objects.create_user(
        email="chair@bench.example.org", password=None, first_name="Pat", last_name="Chair", affiliation="Bench U"
    )
    Role.objects.create(edition=edition, user=chair, kind=RoleKind.PC_CHAIR)
    kinds = [(RoleKind.PC_MEMBER, Area.SYSTEMS), (RoleKind.PC_MEMBER, Area.ML), (RoleKind.AE_MEMBER, "")]
    for n in range(size):
        user = User.objects.create_user(
            email=f"member{n}@bench.example.org",
            password=None,
            first_name=f"Member{n}",
            last_name=f"Surname{n}",
            affiliation=f"Institute {n % 25}",
        )
        kind, area = kinds[n % 3]
        Role.objects.create(edition=edition, user=user, kind=kind, area=area)
    return chair


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def run(kind: str, edition: object, chair: object, trace: bool) -> object:
    from proceedings import services

    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    build = services.build_request(edition=edition, kind=kind, by=chair)  # autocommit: the job runs now
    seconds = time.perf_counter() - started
    heap = f"{tracemalloc.get_traced_memory()[1] / 2**20:8.1f}" if trace else "       -"
    if trace:
        tracemalloc.stop()
    build.refresh_from_db()
    size = (
        "-" if not build.size else f"{build.size / 2**20:.1f} MB" if build.size > 2**20 else f"{build.size // 1024} kB"
    )
    print(
        f"{build.get_kind_display():<34} {seconds:8.1f} {rss_mb():9.0f} {heap:>9}  {size:>9}  "
        f"{build.status} ({build.steps_done}/{build.steps_total} steps){' ' + build.error if build.error else ''}"
    )
    return build


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="proceedings-bench-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "mlsys_conf.settings",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(workdir / "media"),
            "DEBUG": "true",
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("REDIS_URL", None)
    try:
        import django
        from django.core.management import call_command

        django.setup()
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        from _program import build_published_program

        rng = random.Random(args.seed)
        version = build_published_program(
            SLUG, args.papers, final_pdf=paper_pdf_maker(rng, args.min_pages, args.max_pages)
        )
        edition = version.edition  # type: ignore[attr-defined]
        chair = add_committee(edition, args.committee)
        print(
            f"set up {args.papers} papers with final PDFs in {time.perf_counter() - started:.1f} s; {rss_mb():.0f} MB"
        )
        print(f"{'build':<34} {'seconds':>8} {'peak RSS':>9} {'heap MB':>9}  {'output':>9}")
        from proceedings.models import BuildKind

        if not args.cold:
            run(BuildKind.FRONT_MATTER, edition, chair, args.tracemalloc)
        proceedings = run(BuildKind.PROCEEDINGS, edition, chair, args.tracemalloc)
        if args.archive:
            run(BuildKind.ARCHIVE, edition, chair, args.tracemalloc)
        check(proceedings)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def check(build: object) -> None:
    """The last paper's first page, as the table of contents prints it, is really its first page."""
    from pypdf import PdfReader

    from proceedings.contents import final_pdfs, page_counts, snapshot_of, toc_papers

    if build.status != "done":  # type: ignore[attr-defined]
        return
    version = build.version  # type: ignore[attr-defined]
    papers = toc_papers(snapshot_of(version))
    counts = page_counts(final_pdfs(version.edition_id, papers))
    with build.file.open("rb") as stream:  # type: ignore[attr-defined]
        reader = PdfReader(stream)
        total = len(reader.pages)
        last = papers[-1]
        first_of_last = total - counts[last.number] + 1
        text = reader.pages[first_of_last - 1].extract_text()
        outline = len(reader.outline)
    ok = f"Paper {last.number} page 1" in text
    print(f"{total} pages, {outline} top-level bookmarks; paper #{last.number} starts on page {first_of_last}: {ok}")


if __name__ == "__main__":
    main()
