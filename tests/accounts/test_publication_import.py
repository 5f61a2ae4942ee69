"""Importing publications from an export file (accounts.publication_import): DBLP BibTeX and
XML, Semantic Scholar JSON; hostile files become a message; existing text is kept and titles
already there are skipped. The page is /profile/publications/import/, the API
/api/me/publications/import/."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.publication_import import (
    ImportRefused,
    Publication,
    detex,
    normalised_title,
    parse_export,
    plan_import,
    publications_import,
)
from mlsys_conf.limits import PUBLICATIONS_IMPORT_MAX_BYTES, PUBLICATIONS_MAX

PAGE = "/profile/publications/import/"
API = "/api/me/publications/import/"

DBLP_BIB = rb"""
@inproceedings{DBLP:conf/mlsys/Lovelace27,
  author    = {Ada Lovelace and Kurt G{\"{o}}del},
  title     = {Sparse {GPU} Kernels for {M}ixture-of-Experts Inference},
  booktitle = {Proceedings of MLSys 2027},
  year      = {2027},
  url       = {https://dblp.org/rec/conf/mlsys/Lovelace27},
}

@article{DBLP:journals/corr/abs-2701-00001,
  author  = {Ada Lovelace},
  title   = "Learned Index Structures for {\'{E}}lastic Caches",
  journal = {CoRR},
  volume  = {abs/2701.00001},
  year    = 2027,
  abstract = {We show that learned indexes
              beat B-trees on 50\% of workloads.}
}
"""

DBLP_XML = b"""<?xml version="1.0" encoding="US-ASCII"?>
<dblpperson name="Ada Lovelace" pid="00/0001" n="2">
<person key="homepages/00/0001" mdate="2026-01-01"><author pid="00/0001">Ada Lovelace</author></person>
<r><inproceedings key="conf/mlsys/Lovelace27" mdate="2027-05-01">
<author pid="00/0001">Ada Lovelace</author>
<title>Sparse GPU Kernels for Mixture-of-Experts Inference.</title>
<booktitle>MLSys</booktitle><year>2027</year></inproceedings></r>
<r><article key="journals/corr/abs-2701-00002" mdate="2027-01-03">
<author pid="00/0001">Ada Lovelace</author>
<title>Scheduling <i>LLM</i> Serving on G&#246;del Clusters.</title>
<journal>CoRR</journal><year>2027</year></article></r>
<r><www key="homepages/00/0001"><title>Home Page</title></www></r>
</dblpperson>
"""

S2_JSON = json.dumps(
    {
        "offset": 0,
        "data": [
            {"paperId": "a1", "title": "Compiler Passes for Tensor Programs", "abstract": "We compile.\n\nFast."},
            {"paperId": "a2", "title": "Federated Learning at the Edge", "abstract": None},
            {"paperId": "a3"},
        ],
    }
).encode()

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<dblp><article><title>&lol9;</title></article></dblp>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE dblp [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<dblp><article><title>&secret;</title></article></dblp>
"""


# --- Parsing ----------------------------------------------------------------------------------


def test_dblp_bibtex_gives_titles_and_abstracts() -> None:
    assert parse_export(DBLP_BIB) == [
        Publication("Sparse GPU Kernels for Mixture-of-Experts Inference"),
        Publication(
            "Learned Index Structures for Élastic Caches",
            "We show that learned indexes beat B-trees on 50% of workloads.",
        ),
    ]


def test_bibtex_strings_comments_and_concatenation() -> None:
    text = rb"""Some words before, which BibTeX ignores.
@comment{anything {goes} here}
@string{mlsys = "Systems"}
@misc(key1, title = "Machine Learning and " # mlsys, note = {x})
"""
    assert parse_export(text) == [Publication("Machine Learning and Systems")]


def test_latex_is_made_plain() -> None:
    assert detex(r"Schr{\"o}dinger's {\c{C}}a{\ss}e \& \emph{Co}---na{\"\i}ve $O(n)$") == (
        "Schrödinger's Çaße & Co\u2014naïve O(n)"
    )


def test_dblp_xml_gives_record_titles_only() -> None:
    assert parse_export(DBLP_XML) == [
        Publication("Sparse GPU Kernels for Mixture-of-Experts Inference"),
        Publication("Scheduling LLM Serving on Gödel Clusters"),
    ]


def test_semantic_scholar_json_gives_titles_and_abstracts() -> None:
    assert parse_export(S2_JSON) == [
        Publication("Compiler Passes for Tensor Programs", "We compile. Fast."),
        Publication("Federated Learning at the Edge"),
    ]
    assert parse_export(json.dumps([{"title": "Just a List"}]).encode()) == [Publication("Just a List")]


@pytest.mark.parametrize("hostile", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_xml_with_entity_declarations_is_refused(hostile: bytes) -> None:
    with pytest.raises(ImportRefused, match="refused"):
        parse_export(hostile)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x00\xff\xfe garbage \x89PNG", "not a DBLP or Semantic Scholar export"),
        (b"@article{key, title = {never closed", "BibTeX file cannot be read"),
        (b"@article{key, title = }", "BibTeX file cannot be read"),
        (b"<dblp><article><title>unclosed</dblp>", "XML file cannot be read"),
        (b"<html><body><title>A web page</title></body></html>", "not a DBLP or Semantic Scholar export"),
        (b'{"data": [1, 2', "not valid JSON"),
        (b'{"data": "nope"}', "not a DBLP or Semantic Scholar export"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
        (b"<a>" * 50_000 + b"</a>" * 50_000, "not a DBLP or Semantic Scholar export"),
        (b'{"data": []}', "no publication with a title"),
        (b"\xff\xfe<\x00d\x00", "not a DBLP or Semantic Scholar export"),  # UTF-16: not an export
    ],
)
def test_garbage_becomes_a_message(data: bytes, message: str) -> None:
    with pytest.raises(ImportRefused, match=message):
        parse_export(data)


def test_a_file_over_the_cap_is_refused_unread() -> None:
    with pytest.raises(ImportRefused, match="larger than"):
        parse_export(b" " * (PUBLICATIONS_IMPORT_MAX_BYTES + 1))


# --- Adding to the profile --------------------------------------------------------------------


def test_normalised_titles_ignore_case_accents_and_punctuation() -> None:
    assert normalised_title("Élastic  Caches: a Study.") == normalised_title("elastic caches -- A study")


def test_import_appends_and_skips_duplicates() -> None:
    current = "Sparse GPU kernels for mixture-of-experts inference.\nOur old abstract.\n\nAnother Paper\nText."
    found = [
        Publication("Sparse GPU Kernels for Mixture-of-Experts Inference"),
        Publication("New Work", "Its abstract."),
        Publication("NEW WORK"),
    ]
    plan = plan_import(current, found)
    assert plan.added == [Publication("New Work", "Its abstract.")]
    assert plan.duplicates == ["Sparse GPU Kernels for Mixture-of-Experts Inference", "NEW WORK"]
    assert plan.text == current + "\n\nNew Work\nIts abstract."


def test_import_stops_at_the_profile_limit_without_cutting_existing_text() -> None:
    current = "Old\n" + "x" * (PUBLICATIONS_MAX - 100)
    plan = plan_import(current, [Publication("Short One"), Publication("Long One", "y" * 200)])
    assert [p.title for p in plan.added] == ["Short One"]
    assert plan.left_out == ["Long One"]
    assert plan.text.startswith(current)
    assert len(plan.text) <= PUBLICATIONS_MAX


def test_the_service_saves_and_the_dry_run_does_not(author: Any) -> None:
    author.publications = "Kept\nAs it was."
    author.save()
    plan = publications_import(user=author, publications=[Publication("Fresh")], dry_run=True)
    author.refresh_from_db()
    assert plan.text == "Kept\nAs it was.\n\nFresh"
    assert author.publications == "Kept\nAs it was."
    publications_import(user=author, publications=[Publication("Fresh")])
    author.refresh_from_db()
    assert author.publications == "Kept\nAs it was.\n\nFresh"


# --- The page ---------------------------------------------------------------------------------


def upload(data: bytes, name: str = "export.bib") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_page_previews_then_adds(client: Any, author: Any) -> None:
    author.publications = "Sparse GPU Kernels for Mixture-of-Experts Inference\nMine."
    author.save()
    client.force_login(author)
    assert client.get(PAGE).status_code == 200
    preview = client.post(PAGE, {"file": upload(DBLP_XML, "ada.xml")})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Scheduling LLM Serving on Gödel Clusters" in page
    assert "1 already on your profile" in page
    author.refresh_from_db()
    assert "Scheduling" not in author.publications  # a preview changes nothing
    entries = preview.context["confirm_form"].initial["entries"]
    done = client.post(PAGE, {"entries": entries}, follow=True)
    assert "Added 1 publication to your profile." in done.content.decode()
    author.refresh_from_db()
    assert author.publications == (
        "Sparse GPU Kernels for Mixture-of-Experts Inference\nMine.\n\nScheduling LLM Serving on Gödel Clusters"
    )


def test_page_says_what_is_wrong_with_a_bad_file(client: Any, author: Any) -> None:
    client.force_login(author)
    response = client.post(PAGE, {"file": upload(BILLION_LAUGHS, "lol.xml")})
    assert response.status_code == 200
    assert "The XML file is refused" in response.content.decode()
    response = client.post(PAGE, {"file": upload(b"\x89PNG\r\n\x1a\n", "photo.png")})
    assert "not a DBLP or Semantic Scholar export" in response.content.decode()


def test_page_refuses_a_damaged_confirmation(client: Any, author: Any) -> None:
    client.force_login(author)
    response = client.post(PAGE, {"entries": '{"not": "a list"}'}, follow=True)
    assert "The preview is damaged" in response.content.decode()
    author.refresh_from_db()
    assert author.publications == ""


def test_profile_links_the_import(client: Any, author: Any) -> None:
    client.force_login(author)
    assert reverse("accounts:publications_import") in client.get("/profile/").content.decode()


def test_page_needs_a_sign_in(client: Any, db: Any) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# --- The API ----------------------------------------------------------------------------------


def test_api_imports_a_file(client: Any, author: Any) -> None:
    client.force_login(author)
    response = client.post(API, {"file": upload(S2_JSON, "papers.json")})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [p["title"] for p in body["added"]] == [
        "Compiler Passes for Tensor Programs",
        "Federated Learning at the Edge",
    ]
    author.refresh_from_db()
    assert author.publications == body["publications"]
    again = client.post(API, {"file": upload(S2_JSON, "papers.json")})
    assert again.json()["added"] == []
    assert len(again.json()["duplicates"]) == 2


def test_api_takes_content_and_dry_run(client: Any, author: Any) -> None:
    client.force_login(author)
    response = client.post(API, {"content": DBLP_BIB.decode(), "dry_run": True}, content_type="application/json")
    assert response.status_code == 200
    assert len(response.json()["added"]) == 2
    author.refresh_from_db()
    assert author.publications == ""


def test_api_refuses_bad_input_with_a_message(client: Any, author: Any) -> None:
    client.force_login(author)
    response = client.post(API, {"file": upload(BILLION_LAUGHS, "lol.xml")})
    assert response.status_code == 400
    assert "refused" in response.json()["file"][0]
    assert client.post(API, {}, content_type="application/json").status_code == 400
    assert client.post(API, {"content": "nothing"}, content_type="application/json").status_code == 400


def test_api_needs_a_sign_in(client: Any, db: Any) -> None:
    assert client.post(API, {"content": "x"}, content_type="application/json").status_code in (401, 403)
