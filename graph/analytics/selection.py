"""The locality selection rubric (מחוון בחירת יישוב), SPEC section 9.

A fund choosing where to work scores each locality on criteria of three
kinds, each earning 0-1 points:

* **qualitative**, from ``assessments.csv``: the nine criteria of seed 003
  (formal and informal leadership, community-authority cooperation, external
  trends, other place-based investments, major moves, stable leadership,
  urgency, resources), scored 1-5 by assessors; the mean of several
  assessors is used, and points are ``(mean - 1) / 4``;
* **quantitative**, from the Locality node (CBS data):
  ``socioeconomic_cluster`` (``(10 - cluster) / 9``: the weakest cluster earns
  the most), ``municipal_status``, ``population`` and ``district`` (points
  from the rubric's own tables);
* **network signals**, from the locality's graph
  (:func:`graph.analytics.overview.locality_summaries`):
  ``partnerships_manager`` (one in post: 1, else 0), ``local_administration``
  (such a forum: 1, else 0), ``cross_sector_share`` (the share itself) and
  ``uncoordinated_duplicates`` (pairs / ``duplicates_cap``, at most 1). They
  have data only where the locality has organisations in the graph.

A rubric (TOML, :func:`load_rubric`; the default ships as
``graph/analytics/rubric.toml`` with its reasons in comments) weighs them:
``[weights]`` with ``criterion = number``; criteria not listed weigh 0. A
locality's ``score`` is the weighted mean of the points of the weighted
criteria that have data; those without data are listed in ``missing``.

Examples
--------
>>> from graph.model import NodeRecord as N
>>> rubric = parse_rubric("[weights]\\nsocioeconomic_cluster = 1\\nurgency = 1\\n", "r.toml")
>>> locs = [N("Locality", "a", {"name": "א", "socioeconomic_cluster": 1}),
...         N("Locality", "b", {"name": "ב", "socioeconomic_cluster": 10})]
>>> marks = [N("Assessment", "x", {"locality_id": "b", "criterion": "urgency", "score": 5})]
>>> out = rank_from(locs, {}, marks, rubric)
>>> [(e["id"], e["rank"], e["score"], e["missing"]) for e in out["localities"]]
[('a', 1, 1.0, ['urgency']), ('b', 2, 0.5, [])]
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import ValidationFailed
from graph.model import NodeRecord
from graph.model_process import Criterion
from graph.scope import Scope
from graph.store.base import GraphStore
from graph.vocabulary import Reason, reasons

__all__ = [
    "ALL_CRITERIA",
    "DEFAULT_RUBRIC",
    "NETWORK_CRITERIA",
    "QUALITATIVE",
    "QUANTITATIVE",
    "Rubric",
    "load_rubric",
    "parse_rubric",
    "rank_from",
    "rank_localities",
]

QUALITATIVE: tuple[str, ...] = tuple(c.value for c in Criterion)
QUANTITATIVE = ("socioeconomic_cluster", "municipal_status", "population", "district")
NETWORK_CRITERIA = (
    "partnerships_manager",
    "local_administration",
    "cross_sector_share",
    "uncoordinated_duplicates",
)
ALL_CRITERIA: tuple[str, ...] = QUALITATIVE + QUANTITATIVE + NETWORK_CRITERIA

#: The rubric that ships with the product (its comments explain the weights).
DEFAULT_RUBRIC = Path(__file__).with_name("rubric.toml")

_TABLES = ("weights", "municipal_status", "population", "district", "scales")


@dataclass(frozen=True)
class Rubric:
    """Weights and the point tables of the quantitative criteria."""

    source: str
    weights: dict[str, float]
    municipal_status: dict[str, float] = field(
        default_factory=lambda: {"city": 1.0, "local_council": 1.0, "regional_council": 1.0}
    )
    population_min: float = 0.0
    population_max: float = math.inf
    district: dict[str, float] = field(default_factory=dict)
    district_default: float = 1.0
    duplicates_cap: float = 5.0
    min_coverage: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """The ``rubric`` object of the answer."""
        return {
            "source": self.source,
            "weights": dict(self.weights),
            "municipal_status": dict(self.municipal_status),
            "population": {
                "min": self.population_min,
                "max": None if math.isinf(self.population_max) else self.population_max,
            },
            "district": {**self.district, "default": self.district_default},
            "scales": {"duplicates_cap": self.duplicates_cap, "min_coverage": self.min_coverage},
        }


def _line_of(text: str, table: str, key: str) -> int | None:
    """The line (1-based) where ``key`` is set inside ``[table]``."""
    current = None
    pattern = re.compile(r'^\s*"?' + re.escape(key) + r'"?\s*=')
    for number, line in enumerate(text.splitlines(), start=1):
        head = re.match(r"^\s*\[([^\]]+)\]", line)
        if head:
            current = head.group(1).strip()
        elif current == table and pattern.match(line):
            return number
    return None


def _number(value: Any, where: str, *, low: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise ValidationFailed(f"{where}: expected a number, got {value!r}")
    if value < low:
        raise ValidationFailed(f"{where}: expected a number of at least {low:g}, got {value!r}")
    return float(value)


def parse_rubric(text: str, source: str) -> Rubric:
    """A rubric from TOML text; errors name ``source`` and the line.

    Raises
    ------
    graph.errors.ValidationFailed
        On TOML syntax errors, unknown tables or criteria, and weights or
        points that are not non-negative numbers.

    Examples
    --------
    >>> parse_rubric("[weights]\\nurgency = 2\\n", "mine.toml").weights
    {'urgency': 2.0}
    >>> parse_rubric("[weights]\\nurgncy = 2\\n", "mine.toml")
    Traceback (most recent call last):
    ...
    graph.errors.ValidationFailed: mine.toml, line 2: [weights] urgncy is not a criterion ...
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationFailed(f"{source}: not a valid TOML rubric: {exc}") from exc

    def where(table: str, key: str) -> str:
        line = _line_of(text, table, key)
        return f"{source}, line {line}" if line else source

    for table in data:
        if table not in _TABLES:
            raise ValidationFailed(
                f"{source}: unknown table [{table}]; "
                f"a rubric has {', '.join(f'[{t}]' for t in _TABLES)}"
            )
    raw_weights = data.get("weights")
    if not isinstance(raw_weights, dict):
        raise ValidationFailed(f"{source}: a rubric needs a [weights] table of criterion = number")
    weights: dict[str, float] = {}
    for key, value in raw_weights.items():
        if key not in ALL_CRITERIA:
            raise ValidationFailed(
                f"{where('weights', key)}: [weights] {key} is not a criterion (criteria: "
                f"{', '.join(ALL_CRITERIA)})"
            )
        weights[key] = _number(value, f"{where('weights', key)}: [weights] {key}")
    rubric: dict[str, Any] = {"source": source, "weights": weights}
    statuses = data.get("municipal_status", {})
    if statuses:
        points = {}
        for key, value in statuses.items():
            if key not in ("city", "local_council", "regional_council"):
                raise ValidationFailed(
                    f"{where('municipal_status', key)}: [municipal_status] {key} is not a status "
                    "(city, local_council, regional_council)"
                )
            points[key] = _number(value, f"{where('municipal_status', key)}: {key}")
        rubric["municipal_status"] = points
    population = data.get("population", {})
    for key, value in population.items():
        if key not in ("min", "max"):
            raise ValidationFailed(
                f"{where('population', key)}: [population] has min and max, not {key}"
            )
        rubric[f"population_{key}"] = _number(value, f"{where('population', key)}: {key}")
    if rubric.get("population_min", 0) > rubric.get("population_max", math.inf):
        raise ValidationFailed(f"{where('population', 'max')}: [population] max is below min")
    districts = dict(data.get("district", {}))
    if districts:
        default = districts.pop("default", 1.0)
        rubric["district_default"] = _number(default, f"{where('district', 'default')}: default")
        rubric["district"] = {
            str(k): _number(v, f"{where('district', k)}: {k}") for k, v in districts.items()
        }
    for key, value in data.get("scales", {}).items():
        if key not in ("duplicates_cap", "min_coverage"):
            raise ValidationFailed(
                f"{where('scales', key)}: [scales] has duplicates_cap and min_coverage, not {key}"
            )
        number = _number(value, f"{where('scales', key)}: {key}")
        if key == "duplicates_cap" and number <= 0:
            raise ValidationFailed(f"{where('scales', key)}: duplicates_cap must be above 0")
        if key == "min_coverage" and number > 1:
            raise ValidationFailed(f"{where('scales', key)}: min_coverage is a share, 0-1")
        rubric[key] = number
    return Rubric(**rubric)


def load_rubric(path: str | Path | None = None) -> Rubric:
    """The rubric in ``path`` (default: the one that ships, :data:`DEFAULT_RUBRIC`).

    Raises
    ------
    graph.errors.ValidationFailed
        When the file cannot be read or is not a valid rubric (the message
        names the file and, where it can, the line).
    """
    file = Path(path) if path is not None else DEFAULT_RUBRIC
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"{file}: cannot read the rubric: {exc}") from exc
    return parse_rubric(text, "default" if path is None else str(file))


def _float(value: Any) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _quantitative(loc: NodeRecord, rubric: Rubric) -> dict[str, tuple[Any, float, Reason]]:
    p = loc.props
    out: dict[str, tuple[Any, float, Reason]] = {}
    cluster = _float(p.get("socioeconomic_cluster"))
    if cluster is not None:
        points = min(max((10.0 - cluster) / 9.0, 0.0), 1.0)
        out["socioeconomic_cluster"] = (cluster, points, ("fund.rank.cluster", {"value": cluster}))
    status = p.get("municipal_status")
    if status:
        points = rubric.municipal_status.get(str(status), 0.0)
        out["municipal_status"] = (status, points, ("fund.rank.status", {"value": str(status)}))
    population = _float(p.get("population"))
    if population is not None:
        if population < rubric.population_min:
            points = population / rubric.population_min if rubric.population_min else 1.0
        elif population > rubric.population_max:
            points = rubric.population_max / population
        else:
            points = 1.0
        out["population"] = (
            int(population),
            points,
            ("fund.rank.population", {"value": int(population)}),
        )
    district = p.get("district")
    if district:
        points = rubric.district.get(str(district), rubric.district_default)
        out["district"] = (district, points, ("fund.rank.district", {"value": str(district)}))
    return out


def _network(summary: Mapping[str, Any], rubric: Rubric) -> dict[str, tuple[Any, float, Reason]]:
    if not summary or not summary.get("organizations"):
        return {}
    manager = bool(summary.get("partnerships_manager"))
    admin = bool(summary.get("local_administration"))
    dups = int(summary.get("uncoordinated_duplicates") or 0)
    manager_code = "fund.rank.manager_yes" if manager else "fund.rank.manager_no"
    out: dict[str, tuple[Any, float, Reason]] = {
        "partnerships_manager": (manager, float(manager), (manager_code, {})),
        "local_administration": (
            admin, float(admin), ("fund.rank.admin_yes" if admin else "fund.rank.admin_no", {})
        ),
        "uncoordinated_duplicates": (
            dups, min(dups / rubric.duplicates_cap, 1.0), ("fund.rank.duplicates", {"value": dups})
        ),
    }  # fmt: skip
    share = summary.get("cross_sector_share")
    if share is not None:
        out["cross_sector_share"] = (share, float(share), ("fund.rank.cross", {"value": share}))
    return out


def rank_from(
    localities: Iterable[NodeRecord],
    summaries: Mapping[str, Mapping[str, Any]],
    assessments: Iterable[NodeRecord],
    rubric: Rubric,
    *,
    scope: Scope | None = None,
) -> dict[str, Any]:
    """Rank localities by the rubric.

    Parameters
    ----------
    localities : iterable of NodeRecord
        The ``Locality`` nodes to rank.
    summaries : mapping
        Locality id -> :func:`graph.analytics.overview.locality_summaries`
        entry (network signals); a locality without one has none.
    assessments : iterable of NodeRecord
        ``Assessment`` nodes (``locality_id``, ``criterion``, ``score``).
    rubric : Rubric
        The weights (:func:`load_rubric`).
    scope : Scope, optional
        Assessments dated after its ``as_of`` are left out; echoed as ``scope``.

    Returns
    -------
    dict
        ``{"rubric", "scope", "localities": [{"id", "name", "rank", "score",
        "coverage", "criteria": {NAME: {"value", "points", "weight"}},
        "missing", "reasons", "reasons_he", "reasons_ar"}]}``, best score
        first, ties by name. ``coverage`` is the share of the rubric's weight
        that has data; localities below the rubric's ``[scales] min_coverage``
        rank after all others (a town known only by its CBS row does not top
        towns that were assessed), and a locality with no data at all is
        last, score ``None``. ``criteria`` holds every weighted criterion
        that has data.
    """
    from graph.scope import start_date

    marks: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for a in assessments:
        if a.label != "Assessment":
            continue
        if scope is not None and a.props.get("date"):
            when = start_date(a.props.get("date"))
            if when is not None and when > scope.as_of:
                continue
        score = _float(a.props.get("score"))
        if score is not None:
            marks[str(a.props.get("locality_id"))][str(a.props.get("criterion"))].append(score)
    weighted = [c for c in ALL_CRITERIA if rubric.weights.get(c, 0.0) > 0]
    entries: list[dict[str, Any]] = []
    for loc in localities:
        found: dict[str, tuple[Any, float, Reason]] = {}
        for criterion, scores in marks.get(loc.id, {}).items():
            mean = round(sum(scores) / len(scores), 4)
            found[criterion] = (mean, (mean - 1.0) / 4.0, (
                "fund.rank.qualitative", {"criterion": criterion, "value": mean, "n": len(scores)}
            ))  # fmt: skip
        found.update(_quantitative(loc, rubric))
        found.update(_network(summaries.get(loc.id, {}), rubric))
        criteria: dict[str, dict[str, Any]] = {}
        total_weight = total = 0.0
        items: list[Reason] = []
        for criterion in weighted:
            if criterion not in found:
                continue
            value, points, reason = found[criterion]
            weight = rubric.weights[criterion]
            points = round(min(max(points, 0.0), 1.0), 4)
            criteria[criterion] = {"value": value, "points": points, "weight": weight}
            total += weight * points
            total_weight += weight
            items.append(reason)
        missing = [c for c in weighted if c not in criteria]
        weight_all = sum(rubric.weights[c] for c in weighted)
        entries.append({
            "id": loc.id, "name": loc.name, "rank": None,
            "score": round(total / total_weight, 4) if total_weight else None,
            "coverage": round(total_weight / weight_all, 4) if weight_all else 0.0,
            "criteria": criteria, "missing": missing, "_items": items,
        })  # fmt: skip
    entries.sort(key=lambda e: (
        e["score"] is None, e["coverage"] < rubric.min_coverage, -(e["score"] or 0.0),
        e["name"], e["id"],
    ))  # fmt: skip
    for rank, entry in enumerate(entries, start=1):
        entry["rank"] = rank
        items = entry.pop("_items")
        if entry["score"] is not None:
            params = {"score": entry["score"], "rank": rank, "total": len(entries)}
            items.insert(0, ("fund.rank.score", params))
        if entry["missing"]:
            items.append(("fund.rank.missing", {"names": entry["missing"]}))
        if entry["coverage"] < rubric.min_coverage:
            items.append(("fund.rank.thin", {"coverage": entry["coverage"]}))
        entry.update(reasons(items))
    return {
        "rubric": rubric.as_dict(),
        "scope": scope.as_dict() if scope is not None else None,
        "localities": entries,
    }


def rank_localities(
    store: GraphStore,
    rubric: Rubric | None = None,
    scope: Scope | None = None,
    *,
    summaries: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Rank every locality of ``store`` (see :func:`rank_from`).

    ``summaries`` may be passed when already computed (the all-localities
    page computes them once for both); else they are computed here, which
    reads the whole store once.
    """
    from graph.analytics.overview import locality_summaries

    scope = scope or Scope()
    rubric = rubric or load_rubric()
    localities = list(store.iter_nodes("Locality"))
    needs_network = any(rubric.weights.get(c, 0.0) > 0 for c in NETWORK_CRITERIA)
    if summaries is None:
        summaries = locality_summaries(store, scope) if needs_network else {}
    assessments = list(store.iter_nodes("Assessment"))
    return rank_from(localities, summaries, assessments, rubric, scope=scope)
