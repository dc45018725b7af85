"""Export a store, or a :class:`~graph.store.base.Subgraph`, as JSON, CSV, GraphML or GEXF.

``json``
    One file, ``{"format": "partnermap", "version": 1, "nodes": [...],
    "relationships": [...]}``: nodes as ``{"label", "id", ...properties}``,
    and only the explicit relationships (``MEMBER_OF``, ``PARTNERS_IN``,
    ``PARTNERS_WITH``) as ``{"type", "source", "target", ...properties}``;
    the others follow from the nodes' reference fields. Read back with
    ``partnermap import``.
``csv``
    The files of SPEC section 2, in a folder, or in a ZIP when the target
    ends in ``.zip``: lists joined by ``;``, extra properties as extra
    columns, UTF-8 with a BOM so that spreadsheet programs show Hebrew. A
    text cell starting with ``=``, ``+``, ``-`` or ``@`` gets a leading
    ``'`` so that spreadsheets do not run it as a formula; the importer
    removes it again. A CSV holds text: the model's fields come back with
    their types, but extra properties that were numbers or lists (the
    standards importers make some) come back as text. ``json`` is the exact
    copy.
``graphml``, ``gexf``
    For Gephi and other network tools (via NetworkX): every node with its
    ``name``, ``sector``, ``kind``, the other names and all properties as
    string attributes (lists joined by ``;``, empty values left out), every
    relationship (derived ones too) with its ``type``. GraphML keeps the
    node's ``label`` (``Organization``, ...). GEXF gives some names a meaning
    of its own: there the label Gephi shows is the node's name, the
    partnermap label is the ``entity`` attribute, the relationship type is
    ``rel_type``, and properties named like GEXF's reserved words get a
    trailing ``_`` (a program's ``start`` is ``start_``).

Examples
--------
>>> from graph.model import NodeRecord
>>> from graph.store.base import Subgraph
>>> org = NodeRecord("Organization", "o1", {"name": "עמותת אור", "sector": "nonprofit"})
>>> g = Subgraph([org], [])
>>> doc = json.loads(export_bytes(g, "json"))
>>> doc["nodes"]
[{'label': 'Organization', 'id': 'o1', 'name': 'עמותת אור', 'sector': 'nonprofit'}]
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from graph.hygiene import dumps_finite
from graph.model import EDGE_MODELS, NODE_MODELS, RelRecord
from graph.store.base import GraphStore, Subgraph
from importers.tabular import COLUMNS, FILE_MODELS, FORMULA_CHARS, REL_FILES

__all__ = ["EXPORT_FORMATS", "MEDIA_TYPES", "export", "export_bytes", "to_networkx"]

EXPORT_FORMATS: tuple[str, ...] = ("json", "csv", "graphml", "gexf")

#: Media type and file suffix of each format (``csv`` is a ZIP when sent as bytes).
MEDIA_TYPES: dict[str, tuple[str, str]] = {
    "json": ("application/json", ".json"),
    "csv": ("application/zip", ".zip"),
    "graphml": ("application/graphml+xml", ".graphml"),
    "gexf": ("application/gexf+xml", ".gexf"),
}

_LABEL_FILES = {
    label: stem
    for stem, model in FILE_MODELS.items()
    for label, m in NODE_MODELS.items()
    if m is model
}
_NAME_COLUMNS = ("name", "name_he", "name_en", "name_ar")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_GEXF_RESERVED = (
    *("id", "label", "pid", "start", "end", "parents", "slices", "spells", "viz"),
    *("weight", "type", "key", "entity", "rel_type"),
)


def _graph(source: GraphStore | Subgraph) -> Subgraph:
    if isinstance(source, Subgraph):
        return source
    return Subgraph(list(source.iter_nodes()), list(source.iter_relationships()))


def _explicit(rels: Iterable[RelRecord]) -> list[RelRecord]:
    return [r for r in rels if r.type in EDGE_MODELS and r.owner is None]


# -- json ------------------------------------------------------------------------------


def _json_doc(graph: Subgraph) -> dict[str, Any]:
    nodes = [
        {
            "label": n.label,
            "id": n.id,
            **{k: v for k, v in n.props.items() if k not in ("label", "id")},
        }
        for n in sorted(graph.nodes, key=lambda n: (n.label, n.id))
    ]
    reserved = ("type", "source", "target")
    rels = [
        {
            "type": r.type,
            "source": r.source,
            "target": r.target,
            **{k: v for k, v in r.props.items() if k not in reserved},
        }
        for r in sorted(_explicit(graph.relationships), key=lambda r: (r.type, r.source, r.target))
    ]
    return {"format": "partnermap", "version": 1, "nodes": nodes, "relationships": rels}


# -- csv -------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ";".join(str(v) for v in value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _csv_cell(value: Any) -> str:
    """A cell that a spreadsheet program will not run as a formula (names are untrusted)."""
    text = _cell(value)
    if text[:1] in FORMULA_CHARS and not isinstance(value, int | float):
        return "'" + text
    return text


def _rel_row(rel: RelRecord) -> dict[str, Any]:
    ends = {
        "MEMBER_OF": {"member_id": rel.source, "forum_id": rel.target},
        "PARTNERS_IN": {"organization_id": rel.source, "program_id": rel.target},
        "PARTNERS_WITH": {"source_id": rel.source, "target_id": rel.target},
    }[rel.type]
    return {**rel.props, **ends}


def _csv_tables(graph: Subgraph) -> dict[str, str]:
    """File name -> CSV text, for every file of the format."""
    rows: dict[str, list[dict[str, Any]]] = {stem: [] for stem in COLUMNS}
    for node in sorted(graph.nodes, key=lambda n: n.id):
        stem = _LABEL_FILES.get(node.label)
        if stem is not None:
            rows[stem].append({**node.props, "id": node.id})
    for rel in sorted(_explicit(graph.relationships), key=lambda r: r.key):
        rows[REL_FILES[rel.type]].append(_rel_row(rel))
    out: dict[str, str] = {}
    for stem, table in rows.items():
        columns = list(COLUMNS[stem])
        present = {k for row in table for k in row}
        columns += [c for c in _NAME_COLUMNS if c in present and c not in columns]
        columns += sorted(present - set(columns))
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        for row in table:
            writer.writerow([_csv_cell(row.get(c)) for c in columns])
        out[f"{stem}.csv"] = buffer.getvalue()
    return out


def _zip_bytes(tables: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in tables.items():
            archive.writestr(name, text.encode("utf-8-sig"))
    return buffer.getvalue()


# -- graphml / gexf --------------------------------------------------------------------


def _attr(value: Any) -> str | None:
    if value is None or value == "" or value == []:
        return None
    # XML 1.0 cannot hold most control characters; Gephi refuses such files.
    return _XML_INVALID.sub("", _cell(value))


def _xml_text(text: str) -> str:
    return _XML_INVALID.sub("", text)


def _attrs(props: dict[str, Any], gexf: bool) -> dict[str, str]:
    attrs = {_xml_text(k): v for k, v in ((k, _attr(v)) for k, v in props.items()) if v is not None}
    # an attribute name must be a name GraphML/GEXF readers accept
    attrs = {k: v for k, v in attrs.items() if k}
    for key in _GEXF_RESERVED if gexf else ("id", "label", "type", "key"):
        if key in attrs:
            # GEXF gives these names a meaning of its own (start/end make a dynamic graph)
            attrs[f"{key}_"] = attrs.pop(key)
    return attrs


def to_networkx(source: GraphStore | Subgraph, *, gexf: bool = False) -> nx.MultiDiGraph:
    """The whole property graph as a NetworkX multigraph with string attributes.

    Examples
    --------
    >>> from graph.model import NodeRecord, RelRecord
    >>> g = Subgraph([NodeRecord("Organization", "o1", {"name": "א", "sector": "nonprofit"}),
    ...               NodeRecord("Organization", "o2", {"name": "ب", "sector": "business"})],
    ...              [RelRecord("PARTNERS_WITH", "o1", "o2", {"strength": 4})])
    >>> G = to_networkx(g)
    >>> G.nodes["o2"]["name"], G.edges["o1", "o2", "PARTNERS_WITH"]
    ('ب', {'strength': '4', 'type': 'PARTNERS_WITH'})
    """
    graph = _graph(source)
    G = nx.MultiDiGraph()
    # Ids, names and property names go into XML too: a store written before ids
    # were checked (or by another tool) must still give a well-formed file.
    for node in graph.nodes:
        attrs = _attrs(node.props, gexf)
        if gexf:
            attrs["entity"] = node.label
            attrs["label"] = _xml_text(node.name)
        else:
            attrs["label"] = node.label
        G.add_node(_xml_text(node.id), **attrs)
    for rel in graph.relationships:
        start, end = _xml_text(rel.source), _xml_text(rel.target)
        if start not in G or end not in G:
            continue  # a subgraph's edge to a node outside it
        attrs = _attrs(rel.props, gexf)
        attrs["rel_type" if gexf else "type"] = rel.type
        G.add_edge(start, end, key=rel.type, **attrs)
    return G


def _xml_bytes(graph: Subgraph, fmt: str) -> bytes:
    G = to_networkx(graph, gexf=fmt == "gexf")
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(G, buffer, encoding="utf-8", prettyprint=True)
    else:
        nx.write_gexf(G, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


# -- entry points ----------------------------------------------------------------------


def export_bytes(source: GraphStore | Subgraph, fmt: str) -> bytes:
    """The export as bytes (``csv`` as a ZIP), for HTTP responses.

    Raises
    ------
    ValueError
        For an unknown format.
    """
    graph = _graph(source)
    if fmt == "json":
        text = dumps_finite(_json_doc(graph), ensure_ascii=False, indent=1)
        return text.encode("utf-8")
    if fmt == "csv":
        return _zip_bytes(_csv_tables(graph))
    if fmt in ("graphml", "gexf"):
        return _xml_bytes(graph, fmt)
    raise ValueError(f"unknown export format {fmt!r}: expected one of {', '.join(EXPORT_FORMATS)}")


def export(source: GraphStore | Subgraph, fmt: str, target: Path | str) -> Path:
    """Write the export to ``target``; ``csv`` writes a folder unless it ends in ``.zip``.

    Returns
    -------
    Path
        What was written.
    """
    target = Path(target)
    if fmt not in EXPORT_FORMATS:
        raise ValueError(
            f"unknown export format {fmt!r}: expected one of {', '.join(EXPORT_FORMATS)}"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv" and target.suffix.lower() != ".zip":
        target.mkdir(parents=True, exist_ok=True)
        for name, text in _csv_tables(_graph(source)).items():
            (target / name).write_text(text, encoding="utf-8-sig", newline="")
        return target
    data = export_bytes(source, fmt)
    tmp = target.with_name(target.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(target)
    return target
