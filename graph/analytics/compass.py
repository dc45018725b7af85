"""The infrastructure outcomes compass (מצפן תוצאות תשתית), SPEC section 9.

A fund rates, per locality, each of seven *infrastructure outcomes* in each
mobility domain as ``met``, ``partly`` or ``not_met``, in year one and again
later (year three in seed 003). :func:`compass_from` turns those ratings
(``CompassRating`` nodes of ``compass_ratings.csv``) into the matrix the
strategists read:

* one *cell* per outcome and domain that was ever rated, with its first and
  latest rating and the change between them: ``improved`` or ``declined``
  (met > partly > not_met), ``same``, or ``single`` when it was rated in one
  year only;
* per outcome, the *met share* of the locality's first and latest compass
  year: met counts 1, partly 0.5, not met 0, averaged over the domains rated
  for that outcome in that year (``None`` when none was).

A rating of year ``Y`` exists from 1 January of ``Y`` (SPEC section 6's rule
for a year as a start): seen as of an earlier date it is left out.

Examples
--------
>>> from graph.model import NodeRecord
>>> def r(domain, outcome, year, status):
...     return NodeRecord("CompassRating", f"c{domain}{outcome}{year}", {"locality_id": "l",
...         "domain": domain, "outcome": outcome, "year": year, "status": status})
>>> out = compass_from([r("stem21", "data_culture", 2022, "partly"),
...                     r("stem21", "data_culture", 2024, "met"),
...                     r("early_childhood", "data_culture", 2024, "not_met")])
>>> out["years"]
[2022, 2024]
>>> [(c["domain"], c["change"]) for c in out["cells"]]
[('early_childhood', 'single'), ('stem21', 'improved')]
>>> out["outcomes"][1]["met_share_first"], out["outcomes"][1]["met_share_latest"]
(0.5, 0.5)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph.errors import NotFound
from graph.model import NodeRecord
from graph.model_process import CompassOutcome, CompassStatus
from graph.scope import Scope, check_locality
from graph.store.base import GraphStore
from graph.vocabulary import Reason, reasons

__all__ = ["CHANGES", "STATUS_POINTS", "compass_from", "compass_report"]

#: What each status counts in a met share.
STATUS_POINTS: dict[str, float] = {
    CompassStatus.met: 1.0,
    CompassStatus.partly: 0.5,
    CompassStatus.not_met: 0.0,
}
CHANGES = ("improved", "declined", "same", "single")
_OUTCOME_ORDER = {o.value: i for i, o in enumerate(CompassOutcome)}


def _year(node: NodeRecord) -> int | None:
    try:
        return int(node.props.get("year"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _change(first: str, latest: str, years: int) -> str:
    if years < 2:
        return "single"
    before, after = STATUS_POINTS.get(first, 0.0), STATUS_POINTS.get(latest, 0.0)
    return "improved" if after > before else "declined" if after < before else "same"


def _share(statuses: list[str]) -> float | None:
    if not statuses:
        return None
    return round(sum(STATUS_POINTS.get(s, 0.0) for s in statuses) / len(statuses), 4)


def compass_from(ratings: Iterable[NodeRecord], *, scope: Scope | None = None) -> dict[str, Any]:
    """The compass of a set of ratings (one locality's).

    Parameters
    ----------
    ratings : iterable of NodeRecord
        ``CompassRating`` nodes (others are ignored): ``domain``,
        ``outcome``, ``year``, ``status``, optional ``statement`` and
        ``evidence``.
    scope : Scope, optional
        Its ``as_of`` leaves out ratings of later years; its dict is the
        answer's ``scope`` (default: no date limit, scope ``None``).

    Returns
    -------
    dict
        ``{"scope", "years", "cells", "outcomes"}`` as SPEC section 9. Cells
        are sorted by outcome (the seven in the seed's order) then domain,
        and carry the latest ``statement`` and ``evidence`` and
        ``reasons``/``reasons_he``/``reasons_ar``. ``outcomes`` lists all
        seven outcomes with ``met_share_first`` (the first compass year)
        and ``met_share_latest`` (the latest), ``None`` where no domain was
        rated for it that year, and ``domains_first``/``domains_latest``,
        how many domains the share is over.
    """
    limit = scope.as_of.year if scope is not None else None
    kept: list[tuple[int, NodeRecord]] = []
    for node in ratings:
        year = _year(node)
        if node.label != "CompassRating" or year is None:
            continue
        if limit is not None and year > limit:
            continue
        kept.append((year, node))
    years = sorted({y for y, _ in kept})
    by_cell: dict[tuple[str, str], dict[int, NodeRecord]] = {}
    for year, node in kept:
        key = (str(node.props.get("outcome")), str(node.props.get("domain")))
        by_cell.setdefault(key, {})[year] = node
    cells = []
    for (outcome, domain), by_year in sorted(
        by_cell.items(), key=lambda kv: (_OUTCOME_ORDER.get(kv[0][0], 99), kv[0])
    ):
        y1, y2 = min(by_year), max(by_year)
        first, latest = by_year[y1], by_year[y2]
        s1, s2 = str(first.props.get("status")), str(latest.props.get("status"))
        change = _change(s1, s2, len(by_year))
        params = {"outcome": outcome, "domain": domain, "first": s1, "latest": s2,
                  "y1": str(y1), "y2": str(y2), "change": change}  # fmt: skip
        code = "fund.compass.cell_single" if change == "single" else "fund.compass.cell"
        cells.append({
            "outcome": outcome, "domain": domain,
            "first": {"year": y1, "status": s1}, "latest": {"year": y2, "status": s2},
            "change": change,
            "statement": latest.props.get("statement"), "evidence": latest.props.get("evidence"),
            **reasons([(code, params)]),
        })  # fmt: skip
    outcomes = []
    for outcome in CompassOutcome:
        entry: dict[str, Any] = {"outcome": outcome.value}
        items: list[Reason] = []
        for which, year in (("first", years[0] if years else None),
                            ("latest", years[-1] if years else None)):  # fmt: skip
            statuses = [
                str(n.props.get("status"))
                for y, n in kept
                if y == year and n.props.get("outcome") == outcome.value
            ]
            entry[f"met_share_{which}"] = _share(statuses)
            entry[f"domains_{which}"] = len(statuses)
        if entry["met_share_first"] is None or entry["met_share_latest"] is None:
            if entry["met_share_first"] is not None or entry["met_share_latest"] is not None:
                items.append(("fund.compass.share_missing", {"outcome": outcome.value}))
        else:
            items.append((
                "fund.compass.share",
                {"outcome": outcome.value, "first": entry["met_share_first"],
                 "latest": entry["met_share_latest"], "y1": str(years[0]),
                 "y2": str(years[-1])},
            ))  # fmt: skip
        entry.update(reasons(items))
        outcomes.append(entry)
    return {
        "scope": scope.as_dict() if scope is not None else None,
        "years": years,
        "cells": cells,
        "outcomes": outcomes,
    }


def compass_report(store: GraphStore, scope: Scope) -> dict[str, Any]:
    """The compass of ``scope.locality_id`` read from ``store`` (see :func:`compass_from`).

    Raises
    ------
    graph.errors.NotFound
        When the scope has no locality or the locality does not exist.

    Examples
    --------
    >>> import datetime as dt, tempfile, pathlib
    >>> from graph.store.sqlite import SQLiteStore
    >>> store = SQLiteStore(pathlib.Path(tempfile.mkdtemp()) / "g.db")
    >>> _ = store.write([NodeRecord("Locality", "l", {"name": "ירוחם"})])
    >>> compass_report(store, Scope("l", dt.date(2026, 1, 1)))["years"]
    []
    >>> store.close()
    """
    loc_id = scope.locality_id
    if loc_id is None:
        raise NotFound("locality_id: the compass is of one locality; name it")
    check_locality(store, loc_id)
    ratings = store.find("CompassRating", locality_id=loc_id)
    return compass_from(ratings, scope=scope)
