"""One exception hierarchy for the domain; the API maps each class to an HTTP status."""

from __future__ import annotations

__all__ = [
    "Conflict",
    "NotFound",
    "PartnermapError",
    "PreconditionFailed",
    "StorageFull",
    "StoreUnavailable",
    "ValidationFailed",
]


class PartnermapError(Exception):
    """Base of every error partnermap raises on purpose."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(PartnermapError):
    """A node or relationship that was asked for does not exist."""

    status_code = 404


class ValidationFailed(PartnermapError):
    """Input broke a rule of the model (bad enum, bad number, unknown field)."""

    status_code = 422


class Conflict(PartnermapError):
    """A write would leave a dangling reference or repeat an id."""

    status_code = 409


class PreconditionFailed(PartnermapError):
    """A conditional write found the data changed since it was read (a stale ETag)."""

    status_code = 412


class StoreUnavailable(PartnermapError):
    """The graph store cannot be reached (server down, file locked, bad URL)."""

    status_code = 503


class StorageFull(StoreUnavailable):
    """The disk holding the store (or the key file) is full: nothing was written."""

    status_code = 507
