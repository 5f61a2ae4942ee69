"""The apps form layers: each imports only the apps below it, so no two apps are in a cycle.

Every module of every app is parsed (not imported) and each ``import`` naming another app is
checked against the order below, nested imports included: an import hidden inside a function
is still a dependency. Tests, migrations (which name models by string) and the top-level
wiring (URLs, Celery, settings, WSGI/ASGI) are outside the layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. ``mlsys_conf`` here is its base modules (policy, limits, API glue, errors).
LAYERS = (
    "mlsys_conf",
    "conferences",  # the core: editions, deadlines, phases, releases, areas, roles and their kinds, Access
    "actionlog",
    "accounts",
    "outbox",
    "committees",  # invitations to the committees, and the chairs' committee pages
    "submissions",
    "bidding",
    "assignments",
    "reviews",
    "decisions",  # the chairs' decisions, tags and discussion order
    "artifacts",
    "camera_ready",  # final versions of accepted papers: PDF, metadata, licence, presenter
    "program",  # the chairs' draft program and its published versions (the public program, exports)
    "proceedings",  # booklet, front matter, assembled proceedings, archive
    "site_pages",  # what spans the apps: dashboard panels, phase mail, the demo
)
TOP_LEVEL_WIRING = {"mlsys_conf.urls", "mlsys_conf.celery", "mlsys_conf.settings", "mlsys_conf.wsgi", "mlsys_conf.asgi"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def app_modules() -> list[tuple[str, Path]]:
    modules = []
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            name = module_name(path)
            if "migrations" in path.parts or name in TOP_LEVEL_WIRING:
                continue
            modules.append((name, path))
    return modules


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Every absolute import in the module, at any depth, with its line."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def upward_imports(name: str, tree: ast.AST) -> list[str]:
    """The imports of module ``name`` that reach an app above its own."""
    own = LAYERS.index(name.split(".")[0])
    return [
        f"{name}:{line} imports {target}"
        for line, target in imported_modules(tree)
        if target.split(".")[0] in LAYERS and LAYERS.index(target.split(".")[0]) > own
    ]


def test_every_app_is_in_a_layer() -> None:
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(LAYERS), f"Give these apps a place in LAYERS: {sorted(apps - set(LAYERS))}"


def test_no_app_imports_an_app_above_it() -> None:
    modules = app_modules()
    assert len(modules) > 100  # the walk found the code
    violations = [v for name, path in modules for v in upward_imports(name, ast.parse(path.read_text()))]
    assert not violations, "Imports of an app above the importing one:\n" + "\n".join(violations)


@pytest.mark.parametrize(
    ("module", "source", "upward"),
    [
        ("conferences.views", "from submissions.models import Submission", True),
        ("conferences.views", "def f():\n    from bidding import policy", True),  # hidden in a function
        ("conferences.views", "import assignments.selectors", True),
        ("submissions.views", "from committees.models import Invitation", False),
        ("submissions.views", "from .forms import X", False),  # relative: the same app
        ("outbox.services", "from django.db import models", False),
    ],
)
def test_the_check_sees_upward_imports(module: str, source: str, upward: bool) -> None:
    assert bool(upward_imports(module, ast.parse(source))) is upward
