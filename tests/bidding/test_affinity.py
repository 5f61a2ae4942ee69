"""The affinity function on real text: TF-IDF cosine between paper texts and member profiles,
and the terms that explain each score. Pure functions: no database."""

from __future__ import annotations

import json
import random
import re
import statistics
from pathlib import Path

import numpy as np
import pytest

from bidding.affinity import (
    TOP_TERMS,
    compute_affinity,
    compute_profile_affinity,
    paper_text,
    profile_text,
    profile_units,
)
from tests.bidding.helpers import demo_papers
from tests.conftest import require_service

SHARED_PAPERS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "papers"


def texts(papers: list[dict[str, str]]) -> list[str]:
    return [paper_text(title=p["title"], abstract=p["abstract"], keywords=p.get("keywords", "")) for p in papers]


def split_by_area() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    papers = demo_papers()
    return [p for p in papers if p["area"] == "systems"], [p for p in papers if p["area"] == "ml"]


def publications(papers: list[dict[str, str]]) -> str:
    return "\n\n".join(f"{p['title']}\n{p['abstract']}" for p in papers)


# --- Scores ------------------------------------------------------------------------------------


def about_ml(paper: dict[str, str]) -> bool:
    return bool(re.search(r"learn|neural|k-means|svm", paper["title"] + " " + paper["abstract"], re.IGNORECASE))


@pytest.mark.parametrize("half", [0, 1])
def test_a_systems_profile_matches_systems_papers_better_on_average(half: int) -> None:
    """Half of the demo papers are submissions; a Systems member has published the other
    Systems papers that are not about ML (one who wrote the demo's SVM, CNN-energy or k-means
    papers is rightly close to ML papers too), an ML member the other ML papers."""
    systems, ml = split_by_area()
    core = [p for p in systems if not about_ml(p)]
    systems_publications = core[1 - half :: 2]
    submitted_systems = [p for p in systems if p not in systems_publications]
    submitted_ml, ml_publications = ml[half::2], ml[1 - half :: 2]
    members = [
        profile_text(
            keywords="operating systems, networks, compilers", publications=publications(systems_publications)
        ),
        profile_text(keywords="deep learning", publications=publications(ml_publications)),
    ]
    scores = compute_affinity(texts(submitted_systems + submitted_ml), members).scores
    n = len(submitted_systems)
    systems_member, ml_member = scores[:, 0], scores[:, 1]
    assert systems_member[:n].mean() > 1.15 * systems_member[n:].mean()
    assert ml_member[n:].mean() > 1.15 * ml_member[:n].mean()
    # Paper by paper, most papers score higher with the member of their own half.
    prefers_own = (systems_member[:n] > ml_member[:n]).sum() + (ml_member[n:] > systems_member[n:]).sum()
    assert prefers_own >= 0.7 * len(scores)


def test_scores_are_a_dense_matrix_in_zero_one() -> None:
    systems, ml = split_by_area()
    papers = texts(systems[:5] + ml[:5])
    result = compute_affinity(papers, [papers[0], publications(ml[5:8]), "GPU kernels"])
    assert isinstance(result.scores, np.ndarray)
    assert result.scores.shape == (10, 3)
    assert (result.scores >= 0).all()
    assert (result.scores <= 1).all()
    assert result.scores[0, 0] == pytest.approx(1.0)  # a paper is its own best match
    assert result.scores[0, 0] == result.scores[:, 0].max()


def test_stop_words_alone_match_nothing() -> None:
    result = compute_affinity(["The system and the model are in this paper."], ["the and in this of a"])
    assert result.scores[0, 0] == 0.0
    assert result.empty_members == [0]


def test_empty_profiles_get_zero_and_are_listed() -> None:
    systems, _ = split_by_area()
    result = compute_affinity(texts(systems[:4]), ["", publications(systems[4:6]), "   "])
    assert result.empty_members == [0, 2]
    assert (result.scores[:, 0] == 0).all()
    assert (result.scores[:, 2] == 0).all()
    assert (result.scores[:, 1] > 0).any()
    assert result.top_terms(0, 0) == []


def test_no_text_at_all_is_all_zeros_not_an_error() -> None:
    result = compute_affinity(["", ""], ["", "", ""])
    assert result.scores.shape == (2, 3)
    assert not result.scores.any()
    assert result.empty_members == [0, 1, 2]
    assert result.top_terms(1, 2) == []
    assert compute_affinity([], []).scores.shape == (0, 0)


def test_a_repeated_word_does_not_drown_the_rest_of_a_profile() -> None:
    """Sublinear tf (1 + log tf): "gpu" twenty times weighs about four times "scheduling", not
    twenty times, so a scheduling paper still matches this profile (raw counts: about 0.04)."""
    profile = "gpu " * 20 + "scheduling"
    result = compute_affinity(["GPU", "Scheduling"], [profile])
    assert result.scores[1, 0] > 0.1
    assert result.scores[0, 0] > result.scores[1, 0]


def test_bigrams_count_as_terms() -> None:
    result = compute_affinity(["Parameter server designs for distributed training."], ["parameter server"])
    assert "parameter server" in [term for term, _ in result.top_terms(0, 0)]


# --- Explanations ------------------------------------------------------------------------------


def test_explanation_names_the_shared_terms_largest_first() -> None:
    papers = [
        paper_text(
            title="Paged attention for LLM serving",
            keywords="LLM serving, KV cache",
            abstract="We page the KV cache of large language models to serve more requests per GPU.",
        ),
        paper_text(title="Verified file systems", abstract="We verify a crash-safe file system with Coq."),
    ]
    member = profile_text(
        keywords="KV cache, LLM serving, GPU memory",
        publications="Serving large language models with a paged KV cache\nWe batch requests on one GPU.",
    )
    result = compute_affinity(papers, [member])
    terms = result.top_terms(0, 0, k=10)
    names = [term for term, _ in terms]
    assert {"kv cache", "llm serving", "kv", "cache"} & set(names[:TOP_TERMS])
    weights = [weight for _, weight in terms]
    assert weights == sorted(weights, reverse=True)
    assert all(weight > 0 for weight in weights)
    # Nothing the two texts do not share: "coq" and "verify" are only in the other paper.
    assert not {"coq", "verify", "file"} & set(names)
    assert result.scores[0, 0] > result.scores[1, 0]


def test_contributions_add_up_to_the_score() -> None:
    systems, _ = split_by_area()
    result = compute_affinity(texts(systems[:3]), [publications(systems[3:6])])
    everything = result.top_terms(1, 0, k=100_000)
    assert sum(weight for _, weight in everything) == pytest.approx(result.scores[1, 0], abs=1e-3)


def test_explaining_one_paper_against_all_members_matches_pair_by_pair() -> None:
    systems, ml = split_by_area()
    result = compute_affinity(texts(systems[:4] + ml[:4]), [publications(systems[4:7]), "", publications(ml[4:7])])
    all_members = result.top_terms_for_paper(5, k=4)
    assert all_members == [result.top_terms(5, m, k=4) for m in range(3)]
    assert all_members[1] == []
    explained = list(result.iter_explained(k=3))
    assert len(explained) == 8 * 3
    paper, member, score, terms = explained[5 * 3 + 2]
    assert (paper, member) == (5, 2)
    assert score == pytest.approx(result.scores[5, 2])
    assert terms == result.top_terms(5, 2, k=3)


# --- Size ------------------------------------------------------------------------------------


def synthetic_corpus(n_papers: int, n_members: int) -> tuple[list[str], list[str]]:
    """Abstract-length texts made of real sentences of the demo papers, shuffled."""
    sentences = [s for p in demo_papers() for s in re.split(r"(?<=\.)\s+", p["abstract"]) if len(s) > 30]
    rng = random.Random(2027)
    papers = [" ".join(rng.sample(sentences, 8)) for _ in range(n_papers)]
    members = [" ".join(rng.sample(sentences, 30)) for _ in range(n_members)]
    return papers, members


def test_a_thousand_papers_by_two_hundred_members_are_all_scored_and_explained() -> None:
    """Behaviour at size; the time it takes is measured by bench/affinity.py."""
    papers, members = synthetic_corpus(1000, 200)
    result = compute_affinity(papers, members)
    first_paper = result.top_terms_for_paper(0)
    assert result.scores.shape == (1000, 200)
    assert len(first_paper) == 200
    assert all(terms for terms in first_paper)  # real sentences always share some terms


# --- The larger shared corpus, when this machine has it ------------------------------------------


@pytest.mark.parametrize("per_publication", [False, True], ids=["whole-profile", "per-publication"])
def test_on_the_shared_corpus_members_prefer_their_own_half(per_publication: bool) -> None:
    sysconf = SHARED_PAPERS / "sysconf2017" / "papers.jsonl"
    iclr = SHARED_PAPERS / "airas-iclr-icml-2020" / "iclr2020.json"
    require_service(sysconf.exists() and iclr.exists(), f"the shared paper corpus at {SHARED_PAPERS}")
    systems = [json.loads(line) for line in sysconf.read_text().splitlines() if line.strip()]
    systems = [p for p in systems if p.get("field") == "Systems" and p.get("abstract")]
    ml = [p for p in json.loads(iclr.read_text()) if p.get("abstract")]
    rng = random.Random(7)
    rng.shuffle(systems)
    rng.shuffle(ml)
    papers = systems[:150] + ml[:150]
    own_papers = [systems[150 + 5 * i : 155 + 5 * i] for i in range(20)] + [
        ml[150 + 5 * i : 155 + 5 * i] for i in range(20)
    ]
    paper_texts = [paper_text(title=p["title"], abstract=p["abstract"]) for p in papers]
    if per_publication:
        units = [profile_units(publications=[publications([p]) for p in mine]) for mine in own_papers]
        scores = compute_profile_affinity(paper_texts, units).scores
    else:
        scores = compute_affinity(paper_texts, [publications(mine) for mine in own_papers]).scores
    own = [scores[:150, m].mean() > scores[150:, m].mean() for m in range(20)]
    own += [scores[150:, m].mean() > scores[:150, m].mean() for m in range(20, 40)]
    assert statistics.mean(float(o) for o in own) >= 0.9


# --- Members matched on each of their publications --------------------------------------------


def test_one_matching_publication_among_many_is_not_diluted() -> None:
    systems, ml = split_by_area()
    paper, match = systems[0], systems[1]
    focused = profile_units(publications=[publications([match])])
    broad = profile_units(publications=[publications([p]) for p in [match, *ml[:6]]])
    assert len(broad) == 8  # the whole profile, then each of the 7 publications

    result = compute_profile_affinity(texts([paper]), [focused, broad])

    assert result.scores[0, 1] == pytest.approx(result.scores[0, 0])
    concatenated = compute_affinity(texts([paper]), [profile_text(publications=publications([match, *ml[:6]]))])
    assert result.scores[0, 1] > concatenated.scores[0, 0]


def test_the_explanation_comes_from_the_publication_that_matched() -> None:
    broad = profile_units(
        publications=["Parameter servers for distributed training", "Protein folding with graph networks"]
    )
    result = compute_profile_affinity(["Parameter server designs for distributed training."], [broad])
    ((_, _, score, terms),) = list(result.iter_explained())
    assert result.best_unit[0, 0] == 1  # the first publication on its own
    assert score > 0
    assert "distributed training" in {term for term, _ in terms}


def test_members_without_any_text_score_zero_and_are_listed() -> None:
    result = compute_profile_affinity(["GPU kernels"], [[""], profile_units(keywords="GPU kernels"), []])
    assert result.scores.shape == (1, 3)
    assert result.scores[0, 0] == result.scores[0, 2] == 0
    assert result.scores[0, 1] > 0
    assert result.empty_members == [0, 2]


def test_no_papers_give_an_empty_matrix() -> None:
    assert compute_profile_affinity([], [profile_units(keywords="GPU")]).scores.shape == (0, 1)
