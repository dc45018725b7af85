"""Fixtures for the HTTP API: an app on a fresh embedded store, a key per role, a small town."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import Role
from api.config import Settings
from graph.model import (
    Forum,
    Goal,
    Investment,
    Locality,
    Membership,
    Organization,
    Partnership,
    Program,
    edge_record,
    to_record,
)
from graph.model import (
    Role as RoleNode,
)
from graph.store.sqlite import SQLiteStore


def town_records() -> tuple[list, list]:
    """A small town: an authority, a nonprofit, a foundation, a business, a community group.

    Ties: the authority's CEO (a role) and the nonprofit sit in one forum; the
    nonprofit operates a program the foundation funds; the business partners
    with the authority; the Arabic-named community group has no tie at all.
    """
    nodes = [
        Locality(
            id="l1",
            name="שדרות",
            name_en="Sderot",
            municipal_status="city",
            socioeconomic_cluster=5,
            population=35000,
        ),
        Locality(id="l2", name="קריית שמונה", name_en="Kiryat Shmona", municipal_status="city"),
        Organization(id="muni", name="עיריית שדרות", sector="local_authority", locality_ids=["l1"]),
        Organization(id="ngo", name="עמותת אור לגיל הרך", sector="nonprofit", locality_ids=["l1"]),
        Organization(id="fund", name="Rashi Foundation", sector="philanthropy"),
        Organization(id="biz", name="Sderot Tech Ltd", sector="business", locality_ids=["l1"]),
        Organization(id="comm", name="جمعية الأمل", sector="community", locality_ids=["l1"]),
        Organization(id="far", name='מתנ"ס קריית שמונה', sector="nonprofit", locality_ids=["l2"]),
        RoleNode(
            id="ceo",
            title='מנכ"ל העירייה',
            kind="authority_ceo",
            organization_id="muni",
            holder="Dana Levi",
        ),
        Forum(
            id="f1",
            name="פורום גיל הרך",
            kind="steering_committee",
            locality_id="l1",
            domain="early_childhood",
            convener_id="muni",
            meetings_per_year=12,
        ),
        Goal(
            id="g1",
            title="90% מוכנות לכיתה א",
            locality_id="l1",
            domain="early_childhood",
            owner_id="ceo",
        ),
        Program(
            id="p1",
            name="שפה בגיל הרך",
            operator_id="ngo",
            locality_id="l1",
            domains=["early_childhood"],
            age_min=0,
            age_max=5,
            goal_ids=["g1"],
        ),
        Investment(id="inv1", funder_id="fund", program_id="p1", amount=250000, year=2024),
    ]
    rels = [
        Membership(member_id="ceo", forum_id="f1", position="chair"),
        Membership(member_id="ngo", forum_id="f1"),
        Partnership(source_id="biz", target_id="muni", kind="mou", strength=4),
    ]
    return [to_record(n) for n in nodes], [edge_record(r) for r in rels]


@pytest.fixture
def api_settings(tmp_path: Path) -> Settings:
    return Settings(
        store=f"sqlite:///{tmp_path / 'graph.db'}",
        keys_path=tmp_path / "keys.sqlite3",
        max_upload_bytes=64 * 1024,
    )


@pytest.fixture
def make_app(sqlite_store: SQLiteStore, tmp_path: Path) -> Callable[..., FastAPI]:
    """An app on the test store; keyword arguments override settings."""

    def make(**overrides: object) -> FastAPI:
        values: dict[str, object] = {
            "store": sqlite_store.url,
            "keys_path": tmp_path / "keys.sqlite3",
            "max_upload_bytes": 64 * 1024,
        }
        values.update(overrides)
        return create_app(Settings(**values), store=sqlite_store)  # type: ignore[arg-type]

    return make


@pytest.fixture
def app(make_app: Callable[..., FastAPI]) -> FastAPI:
    return make_app()


@pytest.fixture
def keys(app: FastAPI) -> dict[str, str]:
    """One fresh key per role: role name -> the whole key."""
    return {role.value: app.state.keys.create(role).secret for role in Role}


@pytest.fixture
def as_role(keys: dict[str, str]) -> Callable[[str], dict[str, str]]:
    """Headers that authenticate with the key of a role."""
    return lambda role: {"Authorization": f"Bearer {keys[role]}"}


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def town(sqlite_store: SQLiteStore) -> SQLiteStore:
    nodes, rels = town_records()
    sqlite_store.write(nodes, rels)
    return sqlite_store
