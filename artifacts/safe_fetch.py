"""A guarded HTTP fetch of an address given by users (the artifact link check's; SSRF-safe):
- only http and https, only the ports of ``ARTIFACT_LINK_CHECK_PORTS`` (80 and 443), no user name
  or password in the address; no cookies or credentials are ever sent;
- the host is resolved here, and refused if any of its addresses is private, loopback,
  link-local, multicast, reserved, unspecified or otherwise not global (IPv4-mapped, 6to4 and
  Teredo IPv6 included), unless ``ARTIFACT_LINK_CHECK_ALLOW_PRIVATE`` (tests); the connection goes
  to the vetted address, with the name in the Host header and in the TLS SNI and certificate
  check, so a second DNS answer cannot swap it (DNS rebinding);
- at most :data:`MAX_REDIRECTS` redirects, each vetted again; connect timeout 5 s, at most
  :data:`TOTAL_TIMEOUT` in all (DNS included); at most :data:`MAX_BODY` bytes read.

Whatever goes wrong is a :class:`LinkProblem` saying what the link is (refused, unreachable,
broken) and why."""

from __future__ import annotations

import http.client
import ipaddress
import logging
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings

from artifacts.models import LinkStatus

MAX_REDIRECTS = 3
CONNECT_TIMEOUT = 5.0  # seconds
TOTAL_TIMEOUT = 10.0  # seconds per link: DNS, connections, redirects and reading
MAX_BODY = 64 * 1024  # bytes read of a GET answer
REDIRECTS = frozenset({301, 302, 303, 307, 308})
URL_SAFE = "!$%&'()*+,-./:;=?@_~"  # left as they are in a request's path and query

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rules:
    """Where the check may connect."""

    allow_private: bool = False
    ports: frozenset[int] = field(default_factory=lambda: frozenset({80, 443}))

    @classmethod
    def from_settings(cls) -> Rules:
        return cls(
            allow_private=bool(getattr(settings, "ARTIFACT_LINK_CHECK_ALLOW_PRIVATE", False)),
            ports=frozenset(getattr(settings, "ARTIFACT_LINK_CHECK_PORTS", (80, 443))),
        )


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    location: str = ""
    body: bytes = b""


class LinkProblem(Exception):
    status: str = LinkStatus.UNREACHABLE

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Refused(LinkProblem):
    status = LinkStatus.REFUSED


class Unreachable(LinkProblem):
    status = LinkStatus.UNREACHABLE


class Broken(LinkProblem):
    status = LinkStatus.BROKEN


def user_agent() -> str:
    return f"{settings.SITE_NAME} artifact link check ({settings.SITE_URL})"


# --- Addresses -------------------------------------------------------------------------------


def _kind_of_forbidden(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    for kind in ("unspecified", "loopback", "link_local", "multicast", "private", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    if not ip.is_global:
        return "non-public"  # e.g. 100.64.0.0/10, shared address space
    return None


def ipaddress_or_none(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def forbidden_reason(address: str) -> str | None:
    """Why the check may not connect to ``address`` (an IP), or None if it is public."""
    ip = ipaddress_or_none(address)
    if ip is None:
        return "not an IP address"
    inner: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = (ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ()))
        inner += [v4 for v4 in embedded if v4 is not None]
    for candidate in inner:
        kind = _kind_of_forbidden(candidate)
        if kind:
            return f"a {kind} address"
    return None


_resolver_pool: ThreadPoolExecutor | None = None


def _resolve(host: str, port: int, deadline: float) -> list[str]:
    """The host's addresses, looked up in a thread so a hanging DNS costs at most the deadline."""
    global _resolver_pool  # one small pool per process, made on first use
    if _resolver_pool is None:
        _resolver_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="link-check-dns")
    lookup = _resolver_pool.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = lookup.result(timeout=_remaining(deadline))
    except FutureTimeout:
        raise Unreachable(f"DNS: no answer for {host} in time") from None
    except socket.gaierror as error:
        raise Unreachable(f"DNS: {host}: {error.strerror or error}") from None
    except (UnicodeError, ValueError):
        raise Refused(f"{host} is not a valid host name") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise Unreachable(f"DNS: no address for {host}")
    return addresses


def vetted_addresses(host: str, port: int, rules: Rules, deadline: float) -> list[str]:
    """The addresses to connect to; refused if any of them is not public (unless allowed)."""
    addresses = _resolve(host, port, deadline)
    if not rules.allow_private:
        for address in addresses:
            reason = forbidden_reason(address)
            if reason and ipaddress_or_none(host) is not None:  # the address was given: say what it is
                raise Refused(f"{host} is {reason}")
            if reason:  # a name: which address, and of what kind, is no business of the page's reader
                log.info("Link check refused %s: %s", host, reason)
                raise Refused(f"{host} has an address that is not public")
    return addresses


# --- One request -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str


def vetted_target(url: str, rules: Rules) -> Target:
    """The parts of ``url`` the check may ask, or :class:`Refused` with the reason."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise Refused("not a valid address") from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise Refused(f"only http and https addresses are checked, not {scheme or 'this'}")
    if parts.username is not None or parts.password is not None:
        raise Refused("addresses with a user name or password are not checked")
    try:
        host = (parts.hostname or "").rstrip(".").encode("idna").decode("ascii")  # bücher.de: xn--bcher-kva.de
    except UnicodeError:
        raise Refused("not a valid host name") from None
    if not host:
        raise Refused("the address has no host")
    port = port or (443 if scheme == "https" else 80)
    if port not in rules.ports:
        raise Refused(f"port {port} is not checked (only {', '.join(map(str, sorted(rules.ports)))})")
    path = quote(parts.path or "/", safe=URL_SAFE)  # spaces and non-ASCII escaped; escapes kept
    return Target(scheme, host, port, f"{path}?{quote(parts.query, safe=URL_SAFE)}" if parts.query else path)


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise Unreachable(f"no answer within {TOTAL_TIMEOUT:.0f} s")
    return left


def open_socket(address: str, port: int, timeout: float | None) -> socket.socket:
    """A TCP connection to a vetted address (tests replace it to reach their local server)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    connection = socket.socket(family, socket.SOCK_STREAM)
    connection.settimeout(timeout)
    try:
        connection.connect((address, port))  # a numeric address: no second lookup
    except BaseException:
        connection.close()
        raise
    return connection


def tls_context() -> ssl.SSLContext:
    """The system's trusted certificates, names checked (tests add their own authority)."""
    return ssl.create_default_context()


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to ``address``, whatever the host name resolves to now."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = open_socket(self.address, self.port, self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to ``address``, with SNI and the certificate checked for the host name."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        self.tls = tls_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self) -> None:
        self.sock = self.tls.wrap_socket(open_socket(self.address, self.port, self.timeout), server_hostname=self.host)


def _ask_once(target: Target, address: str, method: str, deadline: float) -> Answer:
    pinned = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = pinned(target.host, target.port, address=address, timeout=min(CONNECT_TIMEOUT, _remaining(deadline)))
    headers = {"User-Agent": user_agent(), "Accept": "*/*", "Connection": "close"}
    try:
        connection.connect()
        sock = connection.sock  # kept: a "Connection: close" answer unsets connection.sock
        assert sock is not None
        sock.settimeout(_remaining(deadline))
        connection.request(method, target.path, headers=headers)
        response = connection.getresponse()
        body = b""
        if method == "GET":
            while len(body) < MAX_BODY:
                sock.settimeout(_remaining(deadline))
                chunk = response.read1(min(16384, MAX_BODY - len(body)))
                if not chunk:
                    break
                body += chunk
        return Answer(response.status, response.reason, response.getheader("Location") or "", body)
    finally:
        connection.close()


def _ask(target: Target, addresses: list[str], method: str, deadline: float) -> Answer:
    """Ask the first of the addresses that accepts a connection; low-level failures become problems."""
    failure: LinkProblem = Unreachable("no address answered")
    for address in addresses:
        try:
            return _ask_once(target, address, method, deadline)
        except LinkProblem:
            raise
        except ssl.SSLCertVerificationError as error:
            raise Broken(f"TLS: {error.verify_message or 'certificate not valid'}") from None
        except ssl.SSLError as error:
            failure = Unreachable(f"TLS: {error.reason or error}")
        except TimeoutError:
            failure = Unreachable("timed out")
        except ConnectionRefusedError:
            failure = Unreachable("connection refused")
        except http.client.HTTPException as error:
            raise Broken(f"not a valid HTTP answer ({type(error).__name__})") from None
        except OSError as error:
            failure = Unreachable(error.strerror or str(error) or type(error).__name__)
    raise failure


def fetch(url: str, *, method: str, rules: Rules, deadline: float) -> Answer:
    """``method`` on ``url``, following at most :data:`MAX_REDIRECTS` redirects, each vetted."""
    for _hop in range(MAX_REDIRECTS + 1):
        target = vetted_target(url, rules)
        addresses = vetted_addresses(target.host, target.port, rules, deadline)
        answer = _ask(target, addresses, method, deadline)
        if answer.status not in REDIRECTS or not answer.location:
            return answer
        url = urljoin(url, answer.location)
    raise Broken(f"more than {MAX_REDIRECTS} redirects")
