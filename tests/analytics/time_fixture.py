"""A town with a history, whose changes from mid-2022 to mid-2025 are worked out by hand.

Locality ``t`` (ירוחם). Organisations: ``muni`` (local authority), ``ngo``
(nonprofit), ``res`` (residents' committee, community), ``old`` (nonprofit,
until 2022-12-31) and ``biz`` (business, since 2023). Forum ``f`` (the local
administration): ``muni`` and ``ngo`` undated, ``old`` until 2022-12-31,
``biz`` since 2024-03-01, ``res`` since 2025-01-01. Partnerships
``muni``–``ngo`` (undated) and ``ngo``–``res`` (until 2021).
Programs: ``p1`` (ngo) and ``p2`` (res), early childhood 0–3, 2020–2027;
``p3`` (muni) and ``p4`` (ngo), STEM 12–15 and 13–16, 2024–2026; ``p5``
(muni) and ``p6`` (ngo), welfare 0–18, 2020–2022.

As of 2022-06-30 (FROM): actors muni, ngo, res, old; ties muni–ngo
(partnership + forum), muni–old and ngo–old (forum); res is isolated and in
no forum. 4 nodes, 3 ties, density 3/6 = 0.5, 2 components, cross-sector
share 2/3 (ngo–old is nonprofit–nonprofit). Duplicates: p1–p2 (not
coordinated: ngo and res share nothing), p5–p6 (coordinated).

As of 2025-06-30 (TO): actors muni, ngo, res, biz; forum f seats all four:
six ties, all across sectors: density 1.0, 1 component, share 1.0.
Duplicates: p1–p2 (now coordinated through f), p3–p4 (new); p5–p6 ended.

So: ties added biz–muni, biz–ngo, biz–res, muni–res, ngo–res; ended
muni–old, ngo–old; joined biz, left old; isolates resolved res, none new;
forum f gained business and community and lost nothing (old was a second
nonprofit); no bridges at either date (a triangle plus an isolate, then a
complete graph: nobody lies between anybody); metric deltas nodes 0, ties
+3, density +0.5, components -1, share +1/3.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph.model import (
    Forum,
    Locality,
    Membership,
    NodeModel,
    Organization,
    Partnership,
    Program,
    edge_record,
    to_record,
)
from graph.store.base import GraphStore

__all__ = ["FROM", "TO", "history_town"]

FROM, TO = dt.date(2022, 6, 30), dt.date(2025, 6, 30)
T = "t"


def _org(oid: str, sector: str, **kw: Any) -> Organization:
    return Organization(id=oid, name=f"ארגון {oid}", sector=sector, locality_ids=T, **kw)


def _prog(pid: str, operator: str, domain: str, ages: tuple[int, int], years: str) -> Program:
    start, end = years.split("-")
    return Program(
        id=pid,
        name=f"תכנית {pid}",
        operator_id=operator,
        locality_id=T,
        domains=domain,
        age_min=ages[0],
        age_max=ages[1],
        start=start,
        end=end,
    )


def history_town(store: GraphStore) -> None:
    """Write the town into ``store`` (validated through the model)."""
    nodes: list[NodeModel] = [
        Locality(id=T, name="ירוחם", municipal_status="local_council"),
        _org("muni", "local_authority"),
        _org("ngo", "nonprofit"),
        _org("res", "community", kind="residents_committee"),
        _org("old", "nonprofit", until="2022-12-31"),
        _org("biz", "business", since="2023"),
        Forum(id="f", name="מינהלת יישובית", kind="local_administration", locality_id=T),
        _prog("p1", "ngo", "early_childhood", (0, 3), "2020-2027"),
        _prog("p2", "res", "early_childhood", (0, 3), "2020-2027"),
        _prog("p3", "muni", "stem21", (12, 15), "2024-2026"),
        _prog("p4", "ngo", "stem21", (13, 16), "2024-2026"),
        _prog("p5", "muni", "welfare", (0, 18), "2020-2022"),
        _prog("p6", "ngo", "welfare", (0, 18), "2020-2022"),
    ]
    edges: list[Any] = [
        Membership(member_id="muni", forum_id="f"),
        Membership(member_id="ngo", forum_id="f"),
        Membership(member_id="old", forum_id="f", until="2022-12-31"),
        Membership(member_id="biz", forum_id="f", since="2024-03-01"),
        Membership(member_id="res", forum_id="f", since="2025-01-01"),
        Partnership(source_id="muni", target_id="ngo"),
        Partnership(source_id="ngo", target_id="res", until="2021"),
    ]
    store.write([to_record(n) for n in nodes], [edge_record(e) for e in edges])
