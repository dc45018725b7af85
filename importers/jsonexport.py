"""The reader of partnermap's own JSON export (what :mod:`importers.export` writes).

The format is
``{"format": "partnermap", "version": 1, "nodes": [...], "relationships": [...]}``
with nodes as ``{"label", "id", ...properties}`` and relationships as
``{"type", "source", "target", ...properties}``. Nodes are validated with the
model of their label, relationships (``MEMBER_OF``, ``PARTNERS_IN``,
``PARTNERS_WITH``; the others follow from the nodes' fields and are ignored
with a warning) with their edge model, mapping ``source``/``target`` to the
model's two id fields. Its issues name the file as ``export.json:nodes`` (or
``:relationships``) and the item's position, from 1.

Examples
--------
>>> import json, tempfile
>>> from pathlib import Path
>>> file = Path(tempfile.mkdtemp()) / "export.json"
>>> _ = file.write_text(json.dumps({"format": "partnermap", "version": 1, "nodes": [
...     {"label": "Organization", "id": "o1", "name": "جمعية الأمل", "sector": "community"},
...     {"label": "Organization", "id": "o2", "name": "Acme", "sector": "shop"}]}),
...     encoding="utf-8")
>>> detect(file)
True
>>> report = ImportReport()
>>> [n.props["name"] for n, _ in parse_json(file, report).nodes]
['جمعية الأمل']
>>> report.flatten()
[['enum', 'export.json:nodes', 2, 'sector', 'shop']]
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graph.model import EDGE_MODELS, NODE_MODELS
from graph.store.base import GraphStore
from importers.pipeline import Batch, Origin
from importers.report import ImportReport
from importers.validation import add_row

__all__ = ["detect", "parse_json"]


def detect(path: Path) -> bool:
    """Whether ``path`` is a partnermap JSON export (its ``"format"`` says so)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8-sig", errors="replace")
    except OSError:
        return False
    if '"partnermap"' not in head:
        return False
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and doc.get("format") == "partnermap"


def _rel_fields(rel_type: str, item: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in item.items() if k not in {"type", "source", "target"}}
    source, target = item.get("source"), item.get("target")
    if rel_type == "MEMBER_OF":
        data.update(member_id=source, forum_id=target)
    elif rel_type == "PARTNERS_IN":
        data.update(organization_id=source, program_id=target)
    else:
        data.update(source_id=source, target_id=target)
    return data


def parse_json(
    path: Path,
    report: ImportReport,
    store: GraphStore | None = None,
    *,
    progress: Callable[[int], None] | None = None,
) -> Batch:
    """Read the JSON export format (see the module docstring) into a batch.

    Parameters
    ----------
    path : Path
        The JSON file.
    report : ImportReport
        Receives every problem found.
    store : GraphStore, optional
        Unused (references are checked by :func:`importers.pipeline.commit`);
        accepted so every parser has the same signature.
    progress : callable, optional
        Called once with the number of items read.

    Returns
    -------
    Batch
        The valid items as records, each with its list and position.
    """
    path = Path(path)
    batch = Batch()
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        report.error("encoding", path.name, None, None, None, f"not valid UTF-8: {exc}")
        return batch
    except (OSError, json.JSONDecodeError) as exc:
        report.error("format", path.name, None, None, None, f"cannot read the JSON: {exc}")
        return batch
    if not isinstance(doc, dict) or doc.get("format") != "partnermap":
        report.error(
            "format",
            path.name,
            None,
            "format",
            None,
            'expected a partnermap export: {"format": "partnermap", "version": 1, ...}',
        )
        return batch
    if doc.get("version") != 1:
        report.error("format", path.name, None, "version", doc.get("version"), "expected version 1")
        return batch
    nodes_name, rels_name = f"{path.name}:nodes", f"{path.name}:relationships"
    for position, item in enumerate(doc.get("nodes") or [], start=1):
        origin = Origin(nodes_name, position)
        if not isinstance(item, dict):
            report.error("format", nodes_name, position, None, None, "expected an object")
            continue
        label = item.get("label")
        node_model = NODE_MODELS.get(str(label))
        if node_model is None:
            report.error(
                "enum",
                nodes_name,
                position,
                "label",
                label,
                f"expected one of: {', '.join(NODE_MODELS)}",
            )
            if isinstance(item.get("id"), str):
                batch.failed_ids.add(item["id"])
            continue
        data = {k: v for k, v in item.items() if k != "label"}
        add_row(node_model, data, origin, batch, report)
    for position, item in enumerate(doc.get("relationships") or [], start=1):
        origin = Origin(rels_name, position)
        if not isinstance(item, dict):
            report.error("format", rels_name, position, None, None, "expected an object")
            continue
        rel_type = str(item.get("type"))
        edge_model = EDGE_MODELS.get(rel_type)
        if edge_model is None:
            report.warning(
                "ignored",
                rels_name,
                position,
                "type",
                rel_type,
                f"only {', '.join(EDGE_MODELS)} are imported; other relationships follow "
                "from the nodes' fields",
            )
            continue
        add_row(edge_model, _rel_fields(rel_type, item), origin, batch, report)
    if progress:
        progress(len(batch.nodes) + len(batch.relationships))
    return batch
