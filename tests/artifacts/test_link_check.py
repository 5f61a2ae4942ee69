"""The artifact link check (artifacts/link_check.py): answers, redirects and refusals against a
local http.server thread, addresses that are never contacted, no network at all, the DOI check
with an injected resolver, and the job that records it all. Nothing here needs the internet."""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.utils import timezone

from artifacts import link_check, safe_fetch, services, tasks
from artifacts.link_check import Outcome, check_doi, check_repository
from artifacts.models import Artifact, LinkStatus
from artifacts.safe_fetch import Rules, forbidden_reason
from tests.artifacts.conftest import artifact_input
from tests.personas import client_for


@pytest.fixture(autouse=True)
def _link_check_on(settings: Any) -> None:
    """tests/conftest.py turns the check off for every other test."""
    settings.ARTIFACT_LINK_CHECK = True

BIG = b"x" * (1024 * 1024)
HANDLE_FOUND = {
    "responseCode": 1,
    "handle": "10.5281/zenodo.1",
    "values": [{"index": 1, "type": "URL", "data": {"format": "string", "value": "https://zenodo.org/records/1"}}],
}


class Handler(BaseHTTPRequestHandler):
    server: LocalServer

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _answer(self, status: int, body: bytes = b"", location: str = "", kind: str = "text/plain") -> None:
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    def _route(self) -> None:
        self.server.seen.append((self.command, self.path, dict(self.headers)))
        port = self.server.server_address[1]
        path = self.path
        if path == "/ok":
            self._answer(200, b"hello")
        elif path == "/no-head":
            self._answer(405 if self.command == "HEAD" else 200, b"GET only")
        elif path.startswith("/hop/"):
            left = int(path.rsplit("/", 1)[1])
            self._answer(302, location=f"/hop/{left - 1}" if left else "/ok")
        elif path == "/to-loopback":
            self._answer(302, location=f"http://127.0.0.1:{port}/ok")
        elif path == "/big":
            self._answer(200, BIG)
        elif path == "/slow":
            time.sleep(1.5)
            self._answer(200, b"late")
        elif path == "/api/handles/10.5281/zenodo.1":
            self._answer(200, json.dumps(HANDLE_FOUND).encode(), kind="application/json")
        elif path.startswith("/api/handles/"):
            self._answer(404, b'{"responseCode": 100}', kind="application/json")
        else:
            self._answer(404, b"no such page")

    do_GET = do_HEAD = _route


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True
    seen: list[tuple[str, str, dict[str, str]]]


@pytest.fixture
def server() -> Iterator[LocalServer]:
    httpd = LocalServer(("127.0.0.1", 0), Handler)
    httpd.seen = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


def base(server: LocalServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def local(server: LocalServer) -> Rules:
    """Rules that let the check reach the local server (as ARTIFACT_LINK_CHECK_ALLOW_PRIVATE does)."""
    return Rules(allow_private=True, ports=frozenset({server.server_address[1]}))


@pytest.fixture
def local_settings(settings: Any, server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The settings of a site whose links are on the local server, its DOIs too."""
    settings.ARTIFACT_LINK_CHECK_ALLOW_PRIVATE = True
    settings.ARTIFACT_LINK_CHECK_PORTS = (server.server_address[1],)
    monkeypatch.setattr(link_check, "DOI_HANDLE_API", f"{base(server)}/api/handles/")


@pytest.fixture
def no_dns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """No network: every name lookup fails (as in a sandbox); the names asked are listed."""
    asked: list[str] = []

    def fail(host: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    return asked


def fake_dns(monkeypatch: pytest.MonkeyPatch, *answers: list[str]) -> list[str]:
    """Each lookup answers the next list of addresses (the last one again when they run out)."""
    asked: list[str] = []

    def lookup(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        asked.append(host)
        addresses = answers[min(len(asked), len(answers)) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    return asked


# --- Answers of a local server ----------------------------------------------------------------


def test_a_repository_that_answers_is_ok(server: LocalServer, local: Rules, settings: Any) -> None:
    assert check_repository(f"{base(server)}/ok", rules=local) == Outcome(LinkStatus.OK, "answered 200")
    [(method, path, headers)] = server.seen
    assert (method, path) == ("HEAD", "/ok")
    assert headers["Host"] == f"127.0.0.1:{server.server_address[1]}"
    assert settings.SITE_NAME in headers["User-Agent"]
    assert not {"Cookie", "Authorization"} & set(headers)


def test_a_missing_page_is_broken_after_head_and_get(server: LocalServer, local: Rules) -> None:
    assert check_repository(f"{base(server)}/missing", rules=local) == Outcome(LinkStatus.BROKEN, "404 Not Found")
    assert [method for method, _path, _headers in server.seen] == ["HEAD", "GET"]


def test_a_server_refusing_head_is_asked_with_get(server: LocalServer, local: Rules) -> None:
    assert check_repository(f"{base(server)}/no-head", rules=local).status == LinkStatus.OK


def test_a_path_with_spaces_and_accents_is_escaped(server: LocalServer, local: Rules) -> None:
    assert check_repository(f"{base(server)}/ok dir/é?q=a b", rules=local).status == LinkStatus.BROKEN
    assert server.seen[0][1] == "/ok%20dir/%C3%A9?q=a%20b"


def test_three_redirects_are_followed_and_a_fourth_is_not(server: LocalServer, local: Rules) -> None:
    assert check_repository(f"{base(server)}/hop/2", rules=local) == Outcome(LinkStatus.OK, "answered 200")
    assert [path for _m, path, _h in server.seen] == ["/hop/2", "/hop/1", "/hop/0", "/ok"]
    assert check_repository(f"{base(server)}/hop/3", rules=local) == Outcome(LinkStatus.BROKEN, "more than 3 redirects")


def test_at_most_64_kib_are_read(server: LocalServer, local: Rules) -> None:
    answer = safe_fetch.fetch(f"{base(server)}/big", method="GET", rules=local, deadline=time.monotonic() + 10)
    assert answer.status == 200
    assert len(answer.body) == safe_fetch.MAX_BODY


def test_a_slow_server_is_unreachable_within_the_total_time(
    server: LocalServer, local: Rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(safe_fetch, "TOTAL_TIMEOUT", 0.5)
    started = time.monotonic()
    outcome = check_repository(f"{base(server)}/slow", rules=local)
    assert outcome.status == LinkStatus.UNREACHABLE
    assert time.monotonic() - started < 1.4


def test_a_closed_port_is_unreachable(local: Rules) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    rules = Rules(allow_private=True, ports=frozenset({port}))
    assert check_repository(f"http://127.0.0.1:{port}/", rules=rules) == Outcome(
        LinkStatus.UNREACHABLE, "connection refused"
    )


# --- HTTPS: the name's certificate, at the vetted address ----------------------------------


def self_signed(tmp_path: Path, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[LocalServer, Path, list[str]]]:
    """A local HTTPS server with a certificate for repo.example; the SNI names it was sent."""
    cert_path, key_path = self_signed(tmp_path, "repo.example")
    names: list[str] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)

    def note_name(_socket: Any, name: str | None, _context: Any) -> None:
        names.append(name or "")

    context.sni_callback = note_name
    httpd = LocalServer(("127.0.0.1", 0), Handler)
    httpd.seen = []
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd, cert_path, names
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


def test_https_checks_the_name_certificate_at_the_vetted_address(
    tls_server: tuple[LocalServer, Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, cert_path, names = tls_server
    fake_dns(monkeypatch, ["8.8.8.8"])
    real = safe_fetch.open_socket
    connected: list[str] = []

    def open_socket(address: str, port: int, timeout: float | None) -> socket.socket:
        connected.append(address)
        return real("127.0.0.1", server.server_address[1], timeout)  # 8.8.8.8:443 is, here, the local server

    monkeypatch.setattr(safe_fetch, "open_socket", open_socket)
    untrusted = check_repository("https://repo.example/ok", rules=Rules())
    assert untrusted.status == LinkStatus.BROKEN
    assert untrusted.detail.startswith("TLS: self-signed certificate")

    def trusting() -> ssl.SSLContext:
        context = ssl.create_default_context()
        context.load_verify_locations(cert_path)
        return context

    monkeypatch.setattr(safe_fetch, "tls_context", trusting)
    assert check_repository("https://repo.example/ok", rules=Rules()) == Outcome(LinkStatus.OK, "answered 200")
    assert set(connected) == {"8.8.8.8"}
    assert names[-1] == "repo.example"
    assert server.seen[-1][2]["Host"] == "repo.example"


# --- Where the check never goes ------------------------------------------------------------


@pytest.fixture
def public_name(monkeypatch: pytest.MonkeyPatch, server: LocalServer) -> list[tuple[str, int]]:
    """repo.example resolves to a public address (8.8.8.8), whose port 80 is, here, the local
    server; the addresses connected to are listed."""
    connected: list[tuple[str, int]] = []
    real = safe_fetch.open_socket

    def open_socket(address: str, port: int, timeout: float | None) -> socket.socket:
        connected.append((address, port))
        if (address, port) == ("8.8.8.8", 80):
            return real("127.0.0.1", server.server_address[1], timeout)
        return real(address, port, timeout)

    monkeypatch.setattr(safe_fetch, "open_socket", open_socket)
    return connected


def test_a_redirect_to_a_private_address_is_refused(
    server: LocalServer, public_name: list[tuple[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_dns(monkeypatch, ["8.8.8.8"], ["127.0.0.1"])
    rules = Rules(ports=frozenset({80, server.server_address[1]}))  # the redirect's port is allowed, its address not
    outcome = check_repository("http://repo.example/to-loopback", rules=rules)
    assert outcome.status == LinkStatus.REFUSED
    assert "loopback" in outcome.detail
    assert public_name == [("8.8.8.8", 80)]  # the local server was asked once, through the vetted address
    [(_method, _path, headers)] = server.seen
    assert headers["Host"] == "repo.example"


def test_the_vetted_address_is_the_one_connected_to(
    server: LocalServer, public_name: list[tuple[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name is looked up once per request and the answer is not asked again."""
    asked = fake_dns(monkeypatch, ["8.8.8.8"], ["127.0.0.1"])
    assert check_repository("http://repo.example/ok", rules=Rules()) == Outcome(LinkStatus.OK, "answered 200")
    assert asked == ["repo.example"]
    assert public_name == [("8.8.8.8", 80)]


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared address space
        "0.0.0.0",  # noqa: S104 (an address refused, not one bound)
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:169.254.169.254",
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2001:db8::1",
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1 (reserved)
    ],
)
def test_addresses_that_are_not_public_are_refused(address: str) -> None:
    assert forbidden_reason(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "140.82.112.3", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert forbidden_reason(address) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost/",
        "http://2130706433/",  # 127.0.0.1 written as a number
        "https://[fe80::1]/",
    ],
)
def test_a_link_to_a_private_address_is_refused_without_a_request(url: str, server: LocalServer) -> None:
    outcome = check_repository(url, rules=Rules())
    assert outcome.status == LinkStatus.REFUSED, outcome
    assert not server.seen


def test_a_refusal_says_what_a_given_address_is() -> None:
    assert check_repository("http://169.254.169.254/latest/meta-data/", rules=Rules()) == Outcome(
        LinkStatus.REFUSED, "169.254.169.254 is a link-local address"
    )


def test_a_name_with_one_private_address_among_public_ones_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch, ["8.8.8.8", "10.0.0.7"])
    outcome = check_repository("https://repo.example/", rules=Rules())
    assert outcome == Outcome(LinkStatus.REFUSED, "repo.example has an address that is not public")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/a.tar", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("gopher://example.org/", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("https://example.org:8443/", "port 8443"),
        ("http://example.org:22/", "port 22"),
        ("https://user:secret@example.org/", "user name or password"),
        ("http:///nothing", "no host"),
    ],
)
def test_odd_addresses_are_refused_before_any_lookup(url: str, reason: str, no_dns: list[str]) -> None:
    outcome = check_repository(url, rules=Rules())
    assert outcome.status == LinkStatus.REFUSED
    assert reason in outcome.detail
    assert no_dns == []


# --- No network ----------------------------------------------------------------------------


def test_a_name_that_does_not_resolve_is_unreachable(no_dns: list[str]) -> None:
    outcome = check_repository("https://github.com/example/sparse-kernels", rules=Rules())
    assert outcome == Outcome(LinkStatus.UNREACHABLE, "DNS: github.com: Name or service not known")
    assert no_dns == ["github.com"]


def test_an_unexpected_error_is_an_outcome_too(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("surprise")

    monkeypatch.setattr(safe_fetch, "fetch", explode)
    assert check_repository("https://example.org/", rules=Rules()) == Outcome(
        LinkStatus.UNREACHABLE, "check failed (RuntimeError)"
    )


# --- DOIs ----------------------------------------------------------------------------------


def test_the_doi_is_asked_of_the_resolver_given() -> None:
    asked: list[str] = []

    def resolver(doi: str) -> Outcome:
        asked.append(doi)
        return Outcome(LinkStatus.BROKEN, "unknown")

    assert check_doi("10.5281/zenodo.9", resolve=resolver) == Outcome(LinkStatus.BROKEN, "unknown")
    assert asked == ["10.5281/zenodo.9"]


def test_no_doi_is_nothing_to_check_and_a_failing_resolver_is_tolerated() -> None:
    def failing(doi: str) -> Outcome:
        raise OSError("network down")

    assert check_doi("", resolve=failing) == Outcome("")
    assert check_doi("10.5281/zenodo.9", resolve=failing) == Outcome(LinkStatus.UNREACHABLE, "check failed (OSError)")


def test_the_handle_api_answer_is_read(server: LocalServer, local: Rules) -> None:
    api = f"{base(server)}/api/handles/"
    assert link_check.resolve_with_handle_api("10.5281/zenodo.1", api=api, rules=local) == Outcome(
        LinkStatus.OK, "resolves to https://zenodo.org/records/1"
    )
    assert link_check.resolve_with_handle_api("10.5281/zenodo.404", api=api, rules=local) == Outcome(
        LinkStatus.BROKEN, "doi.org does not know this DOI"
    )


def test_the_doi_check_goes_to_doi_org_and_tolerates_no_network(no_dns: list[str]) -> None:
    outcome = check_doi("10.5281/zenodo.1")
    assert outcome.status == LinkStatus.UNREACHABLE
    assert no_dns == ["doi.org"]


# --- The job and what it records -------------------------------------------------------------


def found(doi: str) -> Outcome:
    return Outcome(LinkStatus.OK, "resolves")


@pytest.mark.django_db
def test_the_job_records_each_artifact_once_a_day(
    artifact: Artifact, server: LocalServer, local: Rules, settings: Any
) -> None:
    Artifact.objects.filter(pk=artifact.pk).update(repository_url=f"{base(server)}/ok")
    updated_at = Artifact.objects.get().updated_at
    assert link_check.check_due_links(rules=local, resolve_doi=found) == 1
    artifact = Artifact.objects.get()
    assert (artifact.repository_status, artifact.repository_detail) == (LinkStatus.OK, "answered 200")
    assert (artifact.doi_status, artifact.doi_detail) == (LinkStatus.OK, "resolves")
    assert artifact.link_checked_at is not None
    assert artifact.updated_at == updated_at  # a check is no change by the authors

    assert link_check.check_due_links(rules=local, resolve_doi=found) == 0  # checked today already
    later = timezone.now() + timedelta(days=1, minutes=1)
    assert link_check.check_due_links(now=later, rules=local, resolve_doi=found) == 1
    assert link_check.check_due_links(now=later, rules=local, resolve_doi=found) == 0

    settings.ARTIFACT_LINK_CHECK = False
    assert link_check.check_due_links(now=later + timedelta(days=2), rules=local, resolve_doi=found) == 0


@pytest.mark.django_db
def test_the_job_tolerates_no_network(artifact: Artifact, no_dns: list[str]) -> None:
    assert tasks.check_due_artifact_links.delay().get() == 1
    artifact = Artifact.objects.get()
    assert artifact.repository_status == LinkStatus.UNREACHABLE
    assert artifact.repository_detail.startswith("DNS: github.com")
    assert artifact.doi_status == LinkStatus.UNREACHABLE


@pytest.mark.django_db
def test_a_check_of_links_changed_meanwhile_is_not_recorded(artifact: Artifact) -> None:
    stale = Artifact.objects.get()
    Artifact.objects.filter(pk=artifact.pk).update(repository_url="https://example.org/new")
    assert not link_check.artifact_check_links(stale, rules=Rules(), resolve_doi=found)
    assert Artifact.objects.get().repository_status == ""


@pytest.mark.django_db
def test_changing_the_links_clears_the_last_check_and_queues_one(
    artifact: Artifact, author: Any, django_capture_on_commit_callbacks: Any, local_settings: None, server: LocalServer
) -> None:
    Artifact.objects.filter(pk=artifact.pk).update(
        link_checked_at=timezone.now(), repository_status=LinkStatus.BROKEN, repository_detail="404 Not Found"
    )
    with django_capture_on_commit_callbacks(execute=True) as queued:
        services.artifact_save(submission=artifact.submission, data=artifact_input(time_needed="2 h"), by=author)
    assert queued == []  # the links are the same: the last check stands
    assert Artifact.objects.get().repository_status == LinkStatus.BROKEN

    data = artifact_input(repository_url=f"{base(server)}/hop/1", doi="10.5281/zenodo.1")
    with django_capture_on_commit_callbacks(execute=True) as queued:
        services.artifact_save(submission=artifact.submission, data=data, by=author)
    assert len(queued) == 1
    artifact = Artifact.objects.get()
    assert [line["text"] for line in artifact.link_lines] == [
        "Repository: answered 200",
        "DOI: resolves to https://zenodo.org/records/1",
    ]


@pytest.mark.django_db
def test_the_task_of_a_deleted_artifact_does_nothing() -> None:
    assert tasks.check_artifact_links.delay(987654).get() is False


@pytest.mark.django_db
def test_authors_committee_and_api_see_the_last_check(
    artifact: Artifact, author: Any, ae_chair: Any, edition: Any
) -> None:
    client = client_for(author)
    assert "not checked yet" in client.get(f"/{edition.slug}/submissions/1/artifact/").content.decode()
    Artifact.objects.filter(pk=artifact.pk).update(
        link_checked_at=timezone.now(),
        repository_status=LinkStatus.BROKEN,
        repository_detail="404 Not Found",
        doi_status=LinkStatus.OK,
        doi_detail="resolves",
    )
    page = client.get(f"/{edition.slug}/submissions/1/artifact/").content.decode()
    assert "Repository: broken: 404 Not Found" in page
    assert "DOI: resolves</span> on " in page
    chair = client_for(ae_chair)
    assert "Repository: broken: 404 Not Found" in chair.get(f"/{edition.slug}/artifacts/").content.decode()
    assert "Repository: broken: 404 Not Found" in chair.get(f"/{edition.slug}/artifacts/1/").content.decode()
    row = client.get(f"/api/editions/{edition.slug}/artifacts/1/").json()
    assert (row["repository_status"], row["repository_detail"]) == ("broken", "404 Not Found")
    assert (row["doi_status"], row["doi_detail"]) == ("ok", "resolves")
    assert row["link_checked_at"]


@pytest.mark.django_db
def test_the_api_ignores_link_check_fields_sent_by_the_authors(artifact: Artifact, author: Any, edition: Any) -> None:
    body = {
        **{name: getattr(artifact, name) for name in services.ARTIFACT_FIELDS},
        "repository_status": "ok",
        "repository_detail": "trust me",
        "link_checked_at": "2020-01-01T00:00:00Z",
    }
    api = client_for(author)
    response = api.put(f"/api/editions/{edition.slug}/artifacts/1/", body, content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["repository_detail"], response.json()["link_checked_at"]) == ("", None)
    assert Artifact.objects.get().repository_status == ""
