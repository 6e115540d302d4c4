"""Base classes of the wire models: tolerant of new fields in answers, strict about what a client sends."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class WireModel(BaseModel):
    """A model the server sends. Unknown fields are ignored: an older client survives a newer server."""

    model_config = ConfigDict(
        frozen=True,
        extra="ignore",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )


class RequestModel(BaseModel):
    """A model a client sends. Unknown fields are an error: a typo must not be silently dropped."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )
