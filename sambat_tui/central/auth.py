"""Bearer tokens: ``sbt_`` + 32 random bytes (URL-safe); only their SHA-256 is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request

from sambat_tui.central.context import Context
from sambat_tui.central.problems import ApiProblem
from sambat_tui.contract import ProblemCode, User

TOKEN_PREFIX = "sbt_"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if not hmac.compare_digest(scheme.lower(), "bearer") or not value or " " in value:
        return None
    return value


def authenticate(context: Context, request: Request) -> User:
    """The user behind the request's bearer token; 401 ``unauthenticated`` otherwise."""
    token = _bearer(request.headers.get("authorization"))
    if token is None:
        raise ApiProblem(
            ProblemCode.UNAUTHENTICATED,
            "Kirim header Authorization: Bearer <token> / send an Authorization: Bearer <token> header",
        )
    with context.storage.read() as tx:
        user = tx.user_for_token(token_hash(token))
    if user is None:
        raise ApiProblem(
            ProblemCode.UNAUTHENTICATED, "Token tidak dikenal atau dicabut / unknown or revoked token"
        )
    return user
