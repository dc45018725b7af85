"""Schemathesis against the app's own OpenAPI schema: no 500, no answer that breaks the schema.

Requests carry an admin key, so every operation runs its handler (the
authentication errors have their own tests). The graph starts as a small
town so that generated ids sometimes hit real nodes. Examples per operation
are bounded to keep the run under a minute or two.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.checks import allow_header_conformance

from api.app import create_app
from api.auth import Role
from api.config import Settings
from graph.model import Forum, Locality, Membership, Organization, Program, edge_record, to_record
from graph.store.sqlite import SQLiteStore

_DIR = Path(tempfile.mkdtemp(prefix="partnermap-schema-"))
_STORE = SQLiteStore(_DIR / "graph.db")
_STORE.write(
    [
        to_record(Locality(id="l1", name="שדרות", municipal_status="city")),
        to_record(Organization(id="o1", name="עמותת אור", sector="nonprofit", locality_ids=["l1"])),
        to_record(Organization(id="o2", name="Municipality", sector="local_authority")),
        to_record(Forum(id="f1", name="פורום", locality_id="l1")),
        to_record(Program(id="p1", name="תוכנית", operator_id="o1", locality_id="l1")),
    ],
    [edge_record(Membership(member_id="o2", forum_id="f1"))],
)
APP = create_app(
    Settings(store=_STORE.url, keys_path=_DIR / "keys.sqlite3", max_upload_bytes=64 * 1024),
    store=_STORE,
)
ADMIN = {"Authorization": f"Bearer {APP.state.keys.create(Role.admin).secret}"}

#: What this test holds the API to: no server error, and every answer as its schema says
#: (status, media type, headers, body). Domain rules the schema cannot express (a
#: reference must exist, age_min <= age_max) make some schema-valid requests fail
#: with 409/422 on purpose, so the positive/negative data checks are not run.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    allow_header_conformance,
]

schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=ADMIN, checks=CHECKS)
