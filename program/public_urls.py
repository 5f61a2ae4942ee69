"""The public program's addresses (no login), under ``/<edition>/program/``: stable, so
calendar apps and conference apps can subscribe to the exports."""

from django.urls import URLPattern, URLResolver, path

from program import public_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("program/", public_views.schedule, name="public_schedule"),
    path("program/sessions/<int:session_id>/", public_views.session_detail, name="public_session"),
    path("program/sessions/<int:session_id>.ics", public_views.session_ics, name="public_session_ics"),
    path("program/papers/<int:number>/", public_views.paper_detail, name="public_paper"),
    path("program/papers/<int:number>.bib", public_views.paper_bibtex, name="public_paper_bib"),
    path("program/papers/<int:number>.pdf", public_views.paper_pdf, name="public_paper_pdf"),
    path("program/search/", public_views.search, name="public_search"),
    path("program/authors/", public_views.authors, name="public_authors"),
    path("program/changes/", public_views.changes, name="public_changes"),
    path("program/program.ics", public_views.program_ics, name="public_ics"),
    path("program/program.json", public_views.program_json, name="public_json"),
    path("program/program.csv", public_views.program_csv, name="public_csv"),
    path("program/schedule.xml", public_views.schedule_xml, name="public_xml"),
]
