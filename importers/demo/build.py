"""Build the demo CSV files from the tables of the demo package, deterministically.

Run ``python -m importers.demo.build`` after editing
:mod:`~importers.demo.catalog`, :mod:`~importers.demo.activities` or
:mod:`~importers.demo.networks`; it rewrites ``importers/demo/data/*.csv``
(UTF-8, ``\\n`` line ends, the columns of SPEC section 2 plus a few extra
ones such as ``cbs_code``). The same tables always give byte-identical files.

Examples
--------
>>> t = tables()
>>> {"forums", "goals", "investments"} <= set(t)
True
>>> t["localities"][0]["name"], t["localities"][0]["cbs_code"]
('קריית מלאכי', '1034')
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from importers.demo.activities import GOALS, PROGRAMS, UNALLOCATED
from importers.demo.catalog import (
    NATIONAL_ORGS,
    NATIONAL_ROLES,
    TOWNS,
    TOWNS_BY_KEY,
    OrgRow,
    town_orgs,
    town_roles,
)
from importers.demo.fund import FUND_COLUMNS, assessment_rows, compass_rows
from importers.demo.history import COLUMNS as HISTORY_COLUMNS
from importers.demo.history import ORG_COLUMNS as HISTORY_ORG_COLUMNS
from importers.demo.history import tables as history_tables
from importers.demo.networks import FORUMS, PARTNERSHIPS
from importers.demo.plan import PLAN_COLUMNS, plan_investments
from importers.demo.plan import tables as plan_tables
from importers.demo.readiness import COLUMNS as READINESS_COLUMNS
from importers.demo.readiness import tables as readiness_tables

__all__ = ["COLUMNS", "build", "goal_id", "tables"]

Row = dict[str, str]

#: Column order of every file (SPEC section 2 fields first, extra columns after).
COLUMNS: dict[str, list[str]] = {
    "localities": ["id", "name", "name_en", "name_ar", "municipal_status",
                   "socioeconomic_cluster", "population", "district", "cluster_id", "cbs_code",
                   "district_en", "cluster_name"],
    "organizations": ["id", "name", "name_en", "name_ar", "sector", "kind", "parent_id",
                      "locality_ids", "registration_number"],
    "roles": ["id", "title", "kind", "organization_id", "holder", "since", "until"],
    "forums": ["id", "name", "name_en", "kind", "locality_id", "domain", "convener_id",
               "meetings_per_year", "context"],
    "memberships": ["member_id", "forum_id", "position", "since", "until"],
    "programs": ["id", "name", "operator_id", "locality_id", "domains", "age_min", "age_max",
                 "target_population", "start", "end", "context", "status", "goal_ids",
                 "description"],
    "program_partners": ["program_id", "organization_id", "role"],
    "investments": ["id", "funder_id", "program_id", "locality_id", "domain", "amount",
                    "currency", "year", "kind", "status"],
    "partnerships": ["source_id", "target_id", "kind", "context", "since", "until", "strength"],
    "goals": ["id", "locality_id", "domain", "title", "indicator", "baseline", "target",
              "target_year", "owner_id"],
}  # fmt: skip
COLUMNS.update(READINESS_COLUMNS)
COLUMNS.update(HISTORY_COLUMNS)
COLUMNS["organizations"] = [*COLUMNS["organizations"], *HISTORY_ORG_COLUMNS]
COLUMNS.update(FUND_COLUMNS)
COLUMNS.update(PLAN_COLUMNS)

_PARTNER_ROLE = {
    "business": "שותף עסקי",
    "academia": "שותף אקדמי",
    "philanthropy": "שותף אסטרטגי",
    "community": "שותף קהילתי",
    "government": "שותף ממשלתי",
}


def goal_id(key: str) -> str:
    """The id of a goal key: ``km-goal-language`` -> ``goal-km-language``."""
    return "goal-" + key.replace("-goal-", "-")


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _orgs() -> list[OrgRow]:
    rows = list(NATIONAL_ORGS)
    for town in TOWNS:
        rows.extend(town_orgs(town))
    return rows


def tables() -> dict[str, list[Row]]:
    """Every demo file as a list of rows (column -> cell text)."""
    out: dict[str, list[Row]] = {name: [] for name in COLUMNS}
    for t in TOWNS:
        out["localities"].append({
            "id": t.id, "name": t.name, "name_en": t.name_en, "name_ar": t.name_ar,
            "municipal_status": t.municipal_status,
            "socioeconomic_cluster": str(t.socioeconomic_cluster),
            "population": str(t.population), "district": t.district,
            "cluster_id": t.cluster_id, "cbs_code": t.cbs_code, "district_en": t.district_en,
            "cluster_name": t.cluster_name,
        })  # fmt: skip
    orgs = _orgs()
    sector = {o.key: o.sector for o in orgs}
    for o in orgs:
        out["organizations"].append({
            "id": f"org-{o.key}", "name": o.name, "name_en": o.name_en, "name_ar": o.name_ar,
            "sector": o.sector, "kind": o.kind, "parent_id": f"org-{o.parent}" if o.parent else "",
            "locality_ids": ";".join(TOWNS_BY_KEY[k].id for k in o.towns),
            "registration_number": o.registration_number,
        })  # fmt: skip
    roles = [(k, title, kind, org, "") for k, title, kind, org in NATIONAL_ROLES]
    for town in TOWNS:
        roles.extend(town_roles(town))
    for key, title, kind, org, holder in roles:
        out["roles"].append({
            "id": f"role-{key}", "title": title, "kind": kind, "organization_id": f"org-{org}",
            "holder": holder, "since": "", "until": "",
        })  # fmt: skip
    for f in FORUMS:
        out["forums"].append({
            "id": f"forum-{f.key}", "name": f.name, "name_en": f.name_en, "kind": f.kind,
            "locality_id": TOWNS_BY_KEY[f.town].id if f.town else "", "domain": f.domain,
            "convener_id": f"org-{f.convener}", "meetings_per_year": str(f.meetings),
            "context": f.context,
        })  # fmt: skip
        for member, position, since in f.members:
            prefix, key = member.split(":", 1)
            out["memberships"].append({
                "member_id": f"{prefix}-{key}", "forum_id": f"forum-{f.key}",
                "position": position, "since": since, "until": "",
            })  # fmt: skip
    for p in PROGRAMS:
        out["programs"].append({
            "id": f"prog-{p.key}", "name": p.name, "operator_id": f"org-{p.operator}",
            "locality_id": TOWNS_BY_KEY[p.town].id, "domains": p.domains,
            "age_min": str(p.ages[0]), "age_max": str(p.ages[1]),
            "target_population": p.target, "start": str(p.period[0]), "end": str(p.period[1]),
            "context": p.context, "status": p.status,
            "goal_ids": ";".join(goal_id(g) for g in p.goals), "description": p.description,
        })  # fmt: skip
        for partner in p.partners:
            role = _PARTNER_ROLE.get(sector[partner], "שותף מפעיל")
            if partner.endswith(("school1", "school2")):
                role = "בית ספר מארח"
            out["program_partners"].append(
                {"program_id": f"prog-{p.key}", "organization_id": f"org-{partner}", "role": role}
            )
        for n, spec in enumerate(p.investments, start=1):
            funder, amount, year, kind, status = spec.split(":")
            out["investments"].append({
                "id": f"inv-{p.key}-{n}", "funder_id": f"org-{funder}",
                "program_id": f"prog-{p.key}", "locality_id": "", "domain": "",
                "amount": amount, "currency": "ILS", "year": year, "kind": kind,
                "status": status,
            })  # fmt: skip
    for n, (funder, where, domain, money, when, how, state) in enumerate(UNALLOCATED, 1):
        out["investments"].append({
            "id": f"inv-unallocated-{n}", "funder_id": f"org-{funder}", "program_id": "",
            "locality_id": TOWNS_BY_KEY[where].id, "domain": domain, "amount": str(money),
            "currency": "ILS", "year": str(when), "kind": how, "status": state,
        })  # fmt: skip
    for src, dst, kind, context, since, until, strength in PARTNERSHIPS:
        out["partnerships"].append({
            "source_id": f"org-{src}", "target_id": f"org-{dst}", "kind": kind,
            "context": context, "since": since, "until": until, "strength": str(strength),
        })  # fmt: skip
    for g in GOALS:
        out["goals"].append({
            "id": goal_id(g.key), "locality_id": TOWNS_BY_KEY[g.town].id, "domain": g.domain,
            "title": g.title, "indicator": g.indicator, "baseline": _num(g.baseline),
            "target": _num(g.target), "target_year": str(g.target_year),
            "owner_id": f"role-{g.owner}",
        })  # fmt: skip
    out.update(readiness_tables())
    for name, rows in history_tables().items():
        out.setdefault(name, []).extend(rows)
    out["compass_ratings"] = compass_rows()
    out["assessments"] = assessment_rows()
    out["investments"].extend(plan_investments())
    out.update(plan_tables())
    return out


def build(out_dir: Path) -> dict[str, int]:
    """Write every demo file into ``out_dir``; returns the row count per file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name, rows in tables().items():
        with (out_dir / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS[name], lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        counts[name] = len(rows)
    return counts


if __name__ == "__main__":  # pragma: no cover - a developer's tool
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "data"
    for file, count in build(target).items():
        print(f"{file}.csv: {count} rows")
