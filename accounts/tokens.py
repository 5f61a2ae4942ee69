"""The shape of an API token's secret and the hash it is stored under.

A secret is ``mlsys_`` followed by 43 URL-safe characters (256 random bits): too many to
guess, so a plain SHA-256 is enough to store it (no salt or slow hash, unlike passwords),
and a lookup by that hash finds it. The marker makes leaked tokens easy to scan for.
"""

from __future__ import annotations

import hashlib
import secrets

MARKER = "mlsys_"
PREFIX_LENGTH = len(MARKER) + 6  # shown in lists to tell tokens apart
MAX_LENGTH = 200  # anything longer in a header is not one of ours; don't hash megabytes


def new_secret() -> str:
    return MARKER + secrets.token_urlsafe(32)


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def prefix_of(secret: str) -> str:
    return secret[:PREFIX_LENGTH]
