"""Runs Schemathesis over our OpenAPI schema as one role and says what failed.

Fixed seed, examples and fuzzing phases (no coverage or stateful phase), positive and negative
inputs, a few cases per operation and no shrinking: the same requests on every run, bounded in
time. Failing checks: a 5xx, a response the schema does not describe (its body or its status).
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis.engine import events, from_schema
from schemathesis.engine.recorder import ScenarioRecorder
from schemathesis.schemas import BaseSchema

import tests.fuzz.hooks  # noqa: F401 - registers the hooks that steer path parameters

# Fixed, so CI sends the same requests every run. A deeper search by hand, e.g.:
#   FUZZ_SEED=7 FUZZ_EXAMPLES=25 FUZZ_COVERAGE=1 .venv/bin/pytest -m fuzz tests/fuzz/test_api_fuzz.py
SEED = int(os.environ.get("FUZZ_SEED", "2027"))
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))  # per operation and phase: 128 operations x 3 roles x 2
CHECKS = ("not_a_server_error", "response_schema_conformance", "status_code_conformance")


def config(*, token: str, workers: int = 1) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "suppress-health-check": ["too_slow"],  # depends on the machine's speed, not on the API
            "headers": {"Authorization": f"Bearer {token}"},
            "workers": workers,
            "continue-on-failure": True,
            "request-timeout": 60,
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": os.environ.get("FUZZ_COVERAGE") == "1"},  # edge values: slow
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES,
                "no-shrink": True,
                "database": "none",
            },
            "checks": {name: {"enabled": name in CHECKS} for name in ALL_CHECKS},
        }
    )


ALL_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
)


@dataclass
class Outcome:
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    operations: set[str] = field(default_factory=set)
    in_schema: int = 0
    samples: dict[int, str] = field(default_factory=dict)  # an answer of each status, to explain

    def report(self) -> str:
        """Each kind of failure once (check, operation, first line of the message), with how
        often it happened and one request that shows it."""
        seen: dict[str, list[str]] = {}
        for failure in self.failures:
            key = failure.split("\n", 1)[0]
            seen.setdefault(key, []).append(failure)
        lines = [f"[{len(examples)}x] {examples[0]}" for examples in seen.values()]
        return "\n".join([*lines[:30], *self.errors[:10]])


def _record(outcome: Outcome, recorder: ScenarioRecorder) -> None:
    for interaction in recorder.interactions.values():
        if interaction.response is not None:
            status = interaction.response.status_code
            outcome.statuses[status] += 1
            request = f"{interaction.request.method} {interaction.request.uri}"
            outcome.samples.setdefault(status, f"{request} -> {interaction.response.content[:200]!r}")
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.failure_info is None:
                continue
            failure = check.failure_info.failure
            interaction = recorder.interactions.get(case_id)
            detail = ""
            if interaction is not None and interaction.response is not None:
                detail = f" -> {interaction.response.status_code} {interaction.response.content[:300]!r}"
            request = ""
            if interaction is not None:
                body = f"{interaction.request.body!r:.300}"
                request = f" [{interaction.request.method} {interaction.request.uri} body={body}]"
            outcome.failures.append(
                f"{check.name}: {failure.operation}: {failure.title}: {failure.message[:500]}{request}{detail}"
            )


def run(schema: BaseSchema) -> Outcome:
    """Runs the engine over ``schema`` (loaded with its config) and gathers what went wrong."""
    outcome = Outcome(in_schema=schema.statistic.operations.total)
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            outcome.operations.add(event.recorder.label)
            _record(outcome, event.recorder)
        elif isinstance(event, events.NonFatalError):
            outcome.errors.append(f"error: {event.label}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            outcome.errors.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            outcome.failures += [f"after run: {failure.title}" for failure in event.failures]
    return outcome


def load_from_url(url: str, *, token: str, workers: int) -> BaseSchema:
    return schemathesis.openapi.from_url(url, config=config(token=token, workers=workers))


def load_from_wsgi(app: Any, *, token: str) -> BaseSchema:
    return schemathesis.openapi.from_wsgi("/api/schema/", app, config=config(token=token))


def run_in_subprocess_main(argument: str) -> None:
    """``python -m tests.fuzz.runner '{"url": ..., "token": ..., "workers": ..., "protected": ...}'``:
    one role's run against a server, in a process of its own, its outcome printed as JSON. Each
    role gets its own process, and should run with one worker thread: CPython 3.11 can fail with
    "SystemError: AST constructor recursion depth mismatch" when threads parse code at once, as
    the generators of several runs, or of several workers, in one process would."""
    from tests.fuzz import hooks

    task = json.loads(argument)
    for name, ids in task["protected"].items():
        hooks.PROTECTED[name] = set(ids)
    outcome = run(load_from_url(task["url"], token=task["token"], workers=task["workers"]))
    print(  # noqa: T201 - the script's output
        json.dumps(
            {
                "failures": outcome.failures,
                "errors": outcome.errors,
                "statuses": dict(outcome.statuses),
                "operations": sorted(outcome.operations),
                "in_schema": outcome.in_schema,
                "samples": outcome.samples,
            }
        )
    )


def outcome_from_json(text: str) -> Outcome:
    data = json.loads(text)
    return Outcome(
        failures=data["failures"],
        errors=data["errors"],
        statuses=Counter({int(status): count for status, count in data["statuses"].items()}),
        operations=set(data["operations"]),
        in_schema=data["in_schema"],
        samples={int(status): sample for status, sample in data["samples"].items()},
    )


if __name__ == "__main__":
    run_in_subprocess_main(sys.argv[1])

