"""The security baseline CI holds (issue 12): bandit finds nothing of high severity in our
packages, pip-audit knows no vulnerability in the locked requirements (skipped, with the reason,
when its advisory database cannot be reached), and requirements.lock pins, with hashes, every
dependency pyproject.toml names, in a version pyproject allows. (``check --deploy`` on
production settings is in tests/test_settings.py.)"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", re.MULTILINE)
# What pip-audit prints when it cannot reach its advisory database (no network, a proxy, DNS).
UNREACHABLE = re.compile(
    r"ConnectionError|ConnectTimeout|ReadTimeout|Max retries exceeded|Name or service not known|"
    r"Temporary failure in name resolution|Network is unreachable|ProxyError|SSLError",
    re.IGNORECASE,
)


def our_packages() -> list[str]:
    """The packages setuptools installs (pyproject's list), which is what we ship."""
    patterns = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    return sorted(pattern.rstrip("*") for pattern in patterns)


def locked() -> dict[str, str]:
    return {canonicalize_name(name): version for name, version in PIN.findall(LOCK.read_text())}


def declared() -> list[Requirement]:
    project = PYPROJECT["project"]
    return [Requirement(line) for line in [*project["dependencies"], *project["optional-dependencies"]["dev"]]]


def test_every_app_package_is_installed() -> None:
    """Each app folder is a package setuptools knows (and bandit below reads)."""
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"mlsys_conf"}
    assert apps <= set(our_packages()), f"add {sorted(apps - set(our_packages()))} to pyproject's packages"


def test_bandit_finds_no_high_severity_issue() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", *our_packages(), "-x", "*/migrations/*", "-f", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.stdout.strip(), result.stderr
    report = json.loads(result.stdout)
    assert not report["errors"], report["errors"]
    assert report["metrics"]["_totals"]["loc"] > 10_000  # it read our code, not an empty list
    findings = [
        f"{r['issue_severity']}/{r['issue_confidence']} {r['test_id']} {r['filename']}:{r['line_number']} "
        f"{r['issue_text']}"
        for r in report["results"]
    ]
    print("bandit (medium and low are listed, not failed):", *findings, sep="\n  ")  # noqa: T201
    high = [finding for finding, r in zip(findings, report["results"], strict=True) if r["issue_severity"] == "HIGH"]
    assert not high, "\n".join(high)


def test_pip_audit_knows_no_vulnerability_in_the_lock(tmp_path: Path) -> None:
    output = tmp_path / "audit.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip_audit",
            "--disable-pip",  # every requirement is pinned and hashed: nothing to resolve or install
            "--require-hashes",
            "-r",
            str(LOCK),
            "--progress-spinner",
            "off",
            "--timeout",
            "15",
            "--cache-dir",
            str(tmp_path / "cache"),
            "-f",
            "json",
            "-o",
            str(output),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if not output.exists() and UNREACHABLE.search(result.stderr):
        reason = UNREACHABLE.search(result.stderr)
        pytest.skip(f"pip-audit cannot reach its advisory database ({reason.group(0) if reason else ''})")
    assert output.exists(), result.stderr
    report = json.loads(output.read_text())
    audited = {dependency["name"] for dependency in report["dependencies"]}
    assert len(audited) == len(locked()), "pip-audit did not read every pin of the lock"
    vulnerable = [
        f"{d['name']} {d['version']}: {v['id']} (fixed in {', '.join(v['fix_versions']) or 'no release yet'})"
        for d in report["dependencies"]
        for v in d.get("vulns", [])
    ]
    assert not vulnerable, "raise these pins (pip-compile --upgrade-package NAME):\n" + "\n".join(vulnerable)


def test_the_lock_pins_every_declared_dependency_with_hashes() -> None:
    pins = locked()
    problems = []
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        if name not in pins:
            problems.append(f"{requirement.name} is not in requirements.lock")
        elif not requirement.specifier.contains(pins[name], prereleases=True):
            problems.append(f"{requirement.name}=={pins[name]} does not satisfy {requirement}")
        for extra in requirement.extras:  # celery[redis]: what the extra brings is pinned too
            if extra == "redis" and "redis" not in pins:
                problems.append(f"{requirement.name}[{extra}] needs redis pinned")
    assert not problems, "run .venv/bin/pip-compile (README, Dependencies):\n" + "\n".join(problems)
    for entry in re.split(r"^(?=[A-Za-z0-9])", LOCK.read_text(), flags=re.MULTILINE):
        if PIN.match(entry):
            assert "--hash=sha256:" in entry, f"no hash for {entry.splitlines()[0]}"
    assert "with Python 3.11" in LOCK.read_text()


def test_setup_installs_from_the_lock() -> None:
    setup = (ROOT / "scripts" / "setup").read_text()
    assert "--require-hashes -r requirements.lock" in setup
    assert re.search(r"pip install .*--no-deps .*-e \.", setup)
    assert re.search(r"^stamp=.*requirements\.lock", setup, re.MULTILINE)  # a changed lock reinstalls
