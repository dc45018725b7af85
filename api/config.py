"""Settings of the HTTP API, read from ``PARTNERMAP_*`` environment variables.

Every value is checked when :class:`Settings` is built, so a bad value stops
the server at start-up with a message naming the variable, not at the first
request.

Examples
--------
>>> s = Settings(store="sqlite:///tmp/g.db", port=8080)
>>> s.port, s.open_local_read, s.cors_origins
(8080, False, [])
>>> Settings(store="sqlite:///tmp/g.db", host="0.0.0.0", open_local_read=True)
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings
...
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.store import default_store_url

__all__ = ["Settings", "is_loopback"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only this machine (``127.0.0.0/8``, ``::1``, ``localhost``).

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Settings(BaseSettings):
    """What the API server needs to know; each field is ``PARTNERMAP_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="PARTNERMAP_", extra="ignore")

    store: str = Field(default_factory=default_store_url, min_length=1)
    host: str = Field(default="127.0.0.1", min_length=1)
    port: int = Field(default=8000, ge=1, le=65535)
    #: Reads without a key; honoured only when ``host`` is a loopback address.
    open_local_read: bool = False
    #: The SQLite file of API keys and the audit trail (default: next to the store).
    keys_path: Path | None = None
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)
    #: The most a zip upload may expand to (zip-bomb guard).
    max_unzipped_bytes: int = Field(default=500 * 1024 * 1024, ge=1024)
    #: Uploads are imported in a child process with these limits (see importers.isolated).
    isolate_imports: bool = True
    import_memory_bytes: int = Field(default=4 * 1024**3, ge=256 * 1024**2)
    import_seconds: float = Field(default=600.0, gt=0)
    default_page_size: int = Field(default=50, ge=1)
    max_page_size: int = Field(default=500, ge=1, le=100_000)
    max_ego_depth: int = Field(default=3, ge=1, le=10)
    max_ego_nodes: int = Field(default=2000, ge=1)
    max_subgraph_nodes: int = Field(default=50_000, ge=1)
    analysis_cache_size: int = Field(default=16, ge=1, le=1024)
    #: The fund's locality selection rubric (TOML) for ``/analysis/localities`` and the
    #: all-localities page; unset: the rubric that ships (graph/analytics/rubric.toml).
    rubric: Path | None = None
    #: Origins allowed by CORS; empty (the default) turns CORS off.
    cors_origins: list[str] = Field(default_factory=list)
    #: Reverse proxies whose ``X-Forwarded-For`` names the real client (comma-separated
    #: addresses, or ``*`` when only a proxy that overwrites the header can reach the server,
    #: as in docker-compose.yml). Unset (the default): the header is ignored, and every
    #: request behind a proxy comes from the proxy's address (wrong-key throttling included).
    forwarded_allow_ips: str | None = None

    @field_validator("rubric")
    @classmethod
    def _rubric_reads(cls, path: Path | None) -> Path | None:
        """Read at start, so a bad rubric stops the server naming its file and line."""
        if path is not None:
            from graph.analytics.selection import load_rubric
            from graph.errors import ValidationFailed

            try:
                load_rubric(path.expanduser())
            except ValidationFailed as exc:
                raise ValueError(exc.message) from None
        return path

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.open_local_read and not is_loopback(self.host):
            raise ValueError(
                f"open_local_read is only allowed on a loopback host, not {self.host!r}: "
                "bind to 127.0.0.1 or turn open reading off"
            )
        if self.default_page_size > self.max_page_size:
            raise ValueError(
                f"default_page_size {self.default_page_size} is above "
                f"max_page_size {self.max_page_size}"
            )
        if "*" in self.cors_origins:
            raise ValueError("cors_origins may not be '*': name the origins that may call the API")
        return self

    def resolved_keys_path(self) -> Path:
        """Where the key file lives: ``keys_path``, next to a SQLite store, or the data dir."""
        if self.keys_path is not None:
            return self.keys_path.expanduser()
        if self.store.lower().startswith("sqlite:///"):
            name = self.store[len("sqlite:///") :]
            if name and name != ":memory:":  # a store in memory has no folder to sit beside
                db = Path(name).expanduser()
                return db.with_name(db.stem + ".keys.sqlite3")
        return Path(user_data_dir("partnermap")) / "keys.sqlite3"
