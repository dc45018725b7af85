"""The last step every importer shares: check references and ids, then write atomically.

An importer parses its source into a :class:`Batch` of records, each with
the :class:`Origin` (file and row) it came from, recording parse and
validation problems in an :class:`~importers.report.ImportReport`. Then
:func:`commit` checks what only the whole batch can tell (repeated ids,
references to ids that exist nowhere, references to the wrong kind of
node), and writes everything in one store transaction, or nothing.

With ``partial=True`` the rows with errors are skipped (and listed in
``report.skipped_rows``), along with every row that depended on them, and
the rest lands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, NamedTuple

from graph.errors import PartnermapError
from graph.model import NodeRecord, RelRecord, parent_cycle
from graph.store.base import GraphStore, RecordKey
from graph.store.bulk import ThreadedBulkLoad
from importers import unchanged
from importers.readiness_checks import batch_problems
from importers.report import ImportIssue, ImportReport

__all__ = ["REFERENCES", "Batch", "Origin", "commit"]


class Origin(NamedTuple):
    """Where a record came from: file name and row number (header = row 1).

    A named tuple, not a dataclass: an import makes one per row, and a tuple
    is several times cheaper to make, hash and compare.
    """

    file: str
    row: int


#: Reference fields: (label, field) -> the labels the referenced node may have.
REFERENCES: dict[tuple[str, str], tuple[str, ...]] = {
    ("Locality", "cluster_id"): (),  # free grouping key, not a node
    ("Organization", "parent_id"): ("Organization",),
    ("Organization", "locality_ids"): ("Locality",),
    ("Role", "organization_id"): ("Organization",),
    ("Forum", "locality_id"): ("Locality",),
    ("Forum", "convener_id"): ("Organization",),
    ("Program", "operator_id"): ("Organization",),
    ("Program", "locality_id"): ("Locality",),
    ("Program", "goal_ids"): ("Goal",),
    ("Investment", "funder_id"): ("Organization",),
    ("Investment", "program_id"): ("Program",),
    ("Investment", "locality_id"): ("Locality",),
    ("Goal", "locality_id"): ("Locality",),
    ("Goal", "owner_id"): ("Role",),
    ("SurveyResponse", "respondent_id"): ("Organization",),
    ("SurveyResponse", "partner_id"): ("Organization",),
    ("Need", "locality_id"): ("Locality",),
    ("Capability", "organization_id"): ("Organization",),
    ("Capability", "contact_role_id"): ("Role",),
    ("Capability", "locality_ids"): ("Locality",),
    ("GoalReading", "goal_id"): ("Goal",),
    ("Agreement", "locality_id"): ("Locality",),
    ("Agreement", "party_ids"): ("Organization",),
    ("Agreement", "governance_forum_id"): ("Forum",),
    ("Commitment", "agreement_id"): ("Agreement",),
    ("Commitment", "party_id"): ("Organization",),
    ("CompassRating", "locality_id"): ("Locality",),
    ("Assessment", "locality_id"): ("Locality",),
    ("MEMBER_OF", "source"): ("Role", "Organization"),
    ("MEMBER_OF", "target"): ("Forum",),
    ("PARTNERS_IN", "source"): ("Organization",),
    ("PARTNERS_IN", "target"): ("Program",),
    ("PARTNERS_WITH", "source"): ("Organization",),
    ("PARTNERS_WITH", "target"): ("Organization",),
}

# Read from every record of a big batch: attrgetter in map runs in C, a comprehension does not.
_ID = attrgetter("id")
_LABEL = attrgetter("label")
_SOURCE = attrgetter("source")
_TARGET = attrgetter("target")
_REL_KEY = attrgetter("source", "type", "target")  # RelRecord.key

#: Column names of relationship ends in the import files, for error messages.
_END_FIELDS = {
    "MEMBER_OF": ("member_id", "forum_id"),
    "PARTNERS_IN": ("organization_id", "program_id"),
    "PARTNERS_WITH": ("source_id", "target_id"),
}


@dataclass
class Batch:
    """Parsed records waiting to be written, each with its origin."""

    nodes: list[tuple[NodeRecord, Origin]] = field(default_factory=list)
    relationships: list[tuple[RelRecord, Origin]] = field(default_factory=list)
    #: Rows that failed parsing (so ``partial`` mode knows which ids are gone).
    failed_ids: set[str] = field(default_factory=set)
    #: Rows that failed parsing, as read (label or relationship type, cells, origin):
    #: their ids and references are still checked, so a row shows all its problems.
    failed_rows: list[tuple[str, dict[str, Any], Origin]] = field(default_factory=list)
    #: Rows skipped unparsed because the store holds exactly what they would
    #: write (:mod:`importers.unchanged`): key, label or type, origin.
    unchanged: list[tuple[RecordKey, str, Origin]] = field(default_factory=list)
    #: The digest of the row each parsed record came from, stored with it.
    row_digests: dict[RecordKey, str] = field(default_factory=dict)

    def add_node(self, node: NodeRecord, origin: Origin) -> None:
        self.nodes.append((node, origin))

    def add_relationship(self, rel: RelRecord, origin: Origin) -> None:
        self.relationships.append((rel, origin))

    def forget_origins(self) -> None:
        """Empty :attr:`nodes` and :attr:`relationships` (once checked, the write needs only
        the records): a big import frees them while its write commits, not after."""
        self.nodes = []
        self.relationships = []


def _ref_fields(label: str) -> list[tuple[str, tuple[str, ...]]]:
    """The reference fields of a label and the labels each may point at."""
    return [(f, to) for (owner, f), to in REFERENCES.items() if owner == label and to]


_Ref = tuple[str, str, tuple[str, ...]]


def _refs_of(nodes: list[tuple[NodeRecord, Origin]]) -> list[tuple[Origin, list[_Ref]]]:
    """The origin and references of every node that makes one, in order.

    A reference is ``(field, value, allowed labels)``; a missing, blank or empty
    field makes none, and an ``…_ids`` field given as text (an extra column)
    is split at ``;``. One pass for the whole batch: a big import has a
    node per row.
    """
    fields_of: dict[str, list[tuple[str, tuple[str, ...], bool]]] = {}
    out: list[tuple[Origin, list[_Ref]]] = []
    for node, origin in nodes:
        wanted = fields_of.get(node.label)
        if wanted is None:
            wanted = fields_of[node.label] = [
                (f, to, f.endswith("_ids")) for f, to in _ref_fields(node.label)
            ]
        if not wanted:
            continue
        props = node.props
        refs: list[_Ref] = []
        for fname, targets, many in wanted:
            value = props.get(fname)
            if not value:  # missing, blank or an empty list: no reference
                continue
            if isinstance(value, str):
                if many:
                    refs += [(fname, v.strip(), targets) for v in value.split(";") if v.strip()]
                else:
                    refs.append((fname, value, targets))
            elif isinstance(value, list):
                refs += [(fname, str(v), targets) for v in value]
            else:
                refs.append((fname, str(value), targets))
        if refs:
            out.append((origin, refs))
    return out


def _wrong_label(value: str, label: str, targets: tuple[str, ...]) -> str:
    wanted = " or ".join(targets)
    return f"refers to {value!r}, {_a(label)}, where {_a(wanted)} is expected"


def _a(noun: str) -> str:
    """``noun`` with its indefinite article: "an Organization", "a Forum"."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _parent_loops(
    store: GraphStore,
    nodes: list[tuple[NodeRecord, Origin]],
    stored: dict[str, NodeRecord],
    problem: Callable[[Origin, str, str | None, str, str], None],
) -> None:
    """Report every organisation whose ``parent_id`` chain (batch over store) loops."""
    batch_parents = {n.id: n.props.get("parent_id") for n, _ in nodes if n.label == "Organization"}
    known = {k: v.props.get("parent_id") for k, v in stored.items()}

    def parent_of(org_id: str) -> str | None:
        if org_id in batch_parents:
            return batch_parents[org_id]
        if org_id not in known:
            found = store.get(org_id)
            known[org_id] = found.props.get("parent_id") if found is not None else None
        value = known[org_id]
        return str(value) if value else None

    reported: set[str] = set()
    for node, origin in nodes:
        if node.label != "Organization" or not node.props.get("parent_id"):
            continue
        loop = parent_cycle(node.id, parent_of)
        if loop is None or node.id not in loop or node.id in reported:
            continue
        reported.update(loop)
        problem(
            origin,
            "cycle",
            "parent_id",
            str(node.props["parent_id"]),
            f"parent_id makes a loop: {' → '.join(loop)}",
        )


def _failed_row_problems(
    store: GraphStore,
    batch: Batch,
    first: dict[str, Origin],
    known: dict[str, str],
    report: ImportReport,
) -> list[tuple[Origin, ImportIssue]]:
    """A repeated id and the bad references of rows that failed parsing.

    Such a row was reported for its bad cells only; a row with a bad cell and
    a reference to nothing has two problems and shows both. A column already
    reported for the row is not reported twice.
    """
    already = {(e.file, e.row_number, e.field) for e in report.errors}
    out: list[tuple[Origin, ImportIssue]] = []

    def add(origin: Origin, type_: str, field_: str, value: str, message: str) -> None:
        if (origin.file, origin.row, field_) not in already:
            already.add((origin.file, origin.row, field_))
            out.append(
                (origin, ImportIssue(type_, origin.file, origin.row, field_, value, message))
            )

    for label, data, origin in batch.failed_rows:
        node_id = str(data.get("id") or "").strip()
        if node_id and node_id in first:
            seen = first[node_id]
            add(
                origin,
                "duplicate-id",
                "id",
                node_id,
                f"id {node_id!r} is already used at {seen.file} row {seen.row}",
            )
        if label in _END_FIELDS:
            ends = zip(_END_FIELDS[label], ("source", "target"), strict=True)
            fields = [(column, REFERENCES[(label, end)]) for column, end in ends]
        else:
            fields = _ref_fields(label)
        for fname, targets in fields:
            raw = str(data.get(fname) or "").strip()
            values = [v.strip() for v in raw.split(";")] if fname.endswith("_ids") else [raw]
            for value in (v for v in values if v):
                found = known.get(value)
                if found is None and value not in batch.failed_ids:
                    record = store.get(value)
                    found = record.label if record is not None else None
                if found is None and value not in batch.failed_ids:
                    why = f"refers to {value!r}, which exists nowhere"
                    add(origin, "unknown-reference", fname, value, why)
                elif found is not None and found not in targets:
                    add(
                        origin,
                        "unknown-reference",
                        fname,
                        value,
                        _wrong_label(value, found, targets),
                    )
    return out


def _check(
    store: GraphStore,
    batch: Batch,
    report: ImportReport,
    partial: bool,
    unique_keys: bool = False,
    store_empty: bool = False,
) -> tuple[list[NodeRecord], list[RelRecord]]:
    """The records that land, and every problem of the batch in ``report``.

    ``unique_keys``: no two relationships of the batch share a key (known by a bulk load
    that checked each as it was handed over), so they are not looked through for one.
    ``store_empty``: the store holds no record (known by a bulk load that holds it empty,
    :meth:`~graph.store.bulk.ThreadedBulkLoad.holds_store_empty`), so none is looked up.
    """
    problems: list[tuple[Origin, ImportIssue]] = []

    def problem(origin: Origin, type_: str, field_: str | None, value: str, msg: str) -> None:
        problems.append((origin, ImportIssue(type_, origin.file, origin.row, field_, value, msg)))

    # Repeated ids: the first row wins, later rows are errors naming it (rows
    # skipped as unchanged come first: a later row with their id was not skipped).
    # Only the origin of the first row of each id is kept (no record per unchanged row).
    first: dict[str, Origin] = {
        key: origin for key, _, origin in batch.unchanged if isinstance(key, str)
    }
    nodes: list[tuple[NodeRecord, Origin]] = []
    if not first:  # most imports repeat no id: then every row is the first of its id
        first = {node.id: origin for node, origin in batch.nodes}
        if len(first) == len(batch.nodes):
            nodes = list(batch.nodes)
        else:
            first = {}
    if len(nodes) != len(batch.nodes):
        for node, origin in batch.nodes:
            seen = first.get(node.id)
            if seen is not None:
                problem(
                    origin,
                    "duplicate-id",
                    "id",
                    node.id,
                    f"id {node.id!r} is already used at {seen.file} row {seen.row}",
                )
                continue
            first[node.id] = origin
            nodes.append((node, origin))

    node_list = [n for n, _ in nodes]
    rel_list = [r for r, _ in batch.relationships]
    node_refs = _refs_of(nodes)
    stored: dict[str, NodeRecord] = {}
    if not store_empty:
        referenced = {v for _, refs in node_refs for _, v, _ in refs}
        referenced.update(map(_SOURCE, rel_list))
        referenced.update(map(_TARGET, rel_list))
        referenced.update(map(_ID, node_list))
        stored = store.get_many(referenced)
    for node, origin in nodes if stored else ():
        old = stored.get(node.id)
        if old is not None and old.label != node.label:
            problem(
                origin,
                "duplicate-id",
                "id",
                node.id,
                f"id {node.id!r} already belongs to {_a(old.label)} in the store",
            )

    loops: list[tuple[Origin, ImportIssue]] = []
    _parent_loops(
        store,
        nodes,
        stored,
        lambda o, t, f, v, m: loops.append((o, ImportIssue(t, o.file, o.row, f, v, m))),
    )
    if partial:  # rows that hang from a dropped loop fall away with it
        problems.extend(loops)
    bad_rows: set[Origin] = {o for o, _ in problems}
    rel_ends: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    # Resolve references until nothing more falls away (partial mode drops
    # rows whose targets were dropped).
    while True:
        if bad_rows:
            alive = {n.id: n.label for n, o in nodes if o not in bad_rows}
        else:
            alive = dict(zip(map(_ID, node_list), map(_LABEL, node_list), strict=True))
        alive_labels = {**{k: v.label for k, v in stored.items()}, **alive} if stored else alive
        new_bad = False
        for origin, refs in node_refs:
            if bad_rows and origin in bad_rows:
                continue
            for fname, value, targets in refs:
                label = alive_labels.get(value)
                if label is None or label not in targets:
                    why = (
                        f"refers to {value!r}, which exists nowhere"
                        if label is None and value not in batch.failed_ids and value not in first
                        else f"refers to {value!r}, which was not imported"
                        if label is None
                        else _wrong_label(value, label, targets)
                    )
                    # Every bad reference of the row, not only the first.
                    problem(origin, "unknown-reference", fname, value, why)
                    bad_rows.add(origin)
                    new_bad = True
        for rel, origin in batch.relationships:
            if bad_rows and origin in bad_rows:
                continue
            ends = rel_ends.get(rel.type)
            if ends is None:
                ends = rel_ends[rel.type] = (
                    REFERENCES[(rel.type, "source")],
                    REFERENCES[(rel.type, "target")],
                )
            if alive_labels.get(rel.source) in ends[0] and alive_labels.get(rel.target) in ends[1]:
                continue  # both ends known and of the right kind (None is in no tuple)
            for end, value in (("source", rel.source), ("target", rel.target)):
                targets = REFERENCES[(rel.type, end)]
                label = alive_labels.get(value)
                if label is None or label not in targets:
                    fname = _END_FIELDS[rel.type][0 if end == "source" else 1]
                    why = (
                        f"refers to {value!r}, which exists nowhere"
                        if label is None and value not in batch.failed_ids and value not in first
                        else f"refers to {value!r}, which was not imported"
                        if label is None
                        else _wrong_label(value, label, targets)
                    )
                    # Every bad reference of the row, not only the first.
                    problem(origin, "unknown-reference", fname, value, why)
                    bad_rows.add(origin)
                    new_bad = True
        # Capabilities against the rest: areas named by needs, a contact role of their own.
        if bad_rows:
            alive_nodes = {n.id: n for n, o in nodes if o not in bad_rows}
        else:
            alive_nodes = dict(zip(map(_ID, node_list), node_list, strict=True))
        cap_problems = batch_problems(store, alive_nodes, stored)
        for node, origin in nodes if cap_problems else ():
            for cp in cap_problems.get(node.id, []) if origin not in bad_rows else []:
                problem(origin, cp.type, cp.field, cp.value, cp.message)
                bad_rows.add(origin)
                new_bad = True
        if not new_bad or not partial:
            break
    if not partial:  # a row that failed parsing shows its other problems too
        problems.extend(_failed_row_problems(store, batch, first, alive_labels, report))
    if not partial:  # reported after the references, which need not repeat them
        problems.extend(loops)
        bad_rows.update(o for o, _ in loops)

    for _, issue in problems:
        if partial:
            report.skipped_rows.append(issue)
        report.error(
            issue.type, issue.file, issue.row_number, issue.field, issue.value, issue.message
        )
    if not bad_rows:  # the usual case: every row lands (the last row of a key wins)
        if unique_keys:
            return node_list, rel_list
        return node_list, list(dict(zip(map(_REL_KEY, rel_list), rel_list, strict=True)).values())
    good_nodes = [n for n, o in nodes if o not in bad_rows]
    rels = {}
    for rel, origin in batch.relationships:
        if origin not in bad_rows:
            rels[rel.key] = rel
    return good_nodes, list(rels.values())


def commit(
    store: GraphStore,
    batch: Batch,
    report: ImportReport,
    *,
    dry_run: bool = False,
    partial: bool = False,
    progress: Callable[[int], None] | None = None,
    import_key: str | None = None,
    bulk: ThreadedBulkLoad | None = None,
) -> ImportReport:
    """Check the batch as a whole and write it in one transaction.

    Nothing is written when the report has errors (unless ``partial``), or
    when ``dry_run``. ``report.stats`` says what was (or would be) written.
    A valid import given its ``import_key`` (:func:`importers.unchanged.import_key`)
    leaves its mark in the store with the write. ``bulk`` is the write already
    under way of a first import into an empty store
    (:meth:`graph.store.base.GraphStore.bulk_load`), handed every record of
    the batch: it is committed when the batch is written whole, and rolled
    back otherwise. While it commits, the batch lets go of its rows' origins
    (:meth:`Batch.forget_origins`): ``batch.nodes`` and ``batch.relationships``
    are empty after such an import.
    """
    report.dry_run = dry_run
    report.partial = partial
    if partial:
        # Rows already rejected while parsing count as skipped too.
        report.skipped_rows.extend(report.errors)
    unique = bulk is not None and bulk.keys_were_unique(len(batch.relationships))
    empty = bulk is not None and bulk.holds_store_empty()
    nodes, rels = _check(store, batch, report, partial, unique, empty)
    whole = len(nodes) == len(batch.nodes) and len(rels) == len(batch.relationships)
    if bulk is not None and not (report.valid and whole and not dry_run and not batch.unchanged):
        bulk.abort()
        bulk = None
    if not report.valid and not partial:
        report.stats = {"nodes_written": 0, "relationships_written": 0, "by_label": {}}
        return report
    if dry_run:
        by_label: dict[str, int] = {}
        for node in nodes:
            by_label[node.label] = by_label.get(node.label, 0) + 1
        for rel in rels:
            by_label[rel.type] = by_label.get(rel.type, 0) + 1
        report.stats = {
            "nodes_written": 0,
            "relationships_written": 0,
            "by_label": {},
            "would_write": {
                "nodes": len(nodes),
                "relationships": len(rels),
                "by_label": dict(sorted(by_label.items())),
            },
        }
        return report
    unchanged_nodes = sum(1 for k, _, _ in batch.unchanged if isinstance(k, str))
    unchanged_rels = len(batch.unchanged) - unchanged_nodes
    mark = None
    if import_key is not None and report.valid:
        landed = (len(nodes) + unchanged_nodes, len(rels) + unchanged_rels)
        mark = unchanged.import_mark(import_key, report, *landed)
    try:
        # While the thread commits, the rows' origins go: only the check needed them.
        stats = (
            bulk.finish(len(nodes), len(rels), mark, meanwhile=batch.forget_origins)
            if bulk is not None
            else None
        )
        if stats is not None:
            if progress:
                progress(len(nodes) + len(rels))
        else:  # no write under way, or it could not be committed: written here
            digests = batch.row_digests
            if not whole:  # only the digests of the records written
                written_keys: set[RecordKey] = {n.id for n in nodes} | {r.key for r in rels}
                digests = {k: d for k, d in digests.items() if k in written_keys}
            stats = store.write(
                nodes, rels, progress=progress, row_digests=digests, import_mark=mark
            )
    except PartnermapError as exc:
        if exc.status_code >= 500:  # the store failed (unreachable, disk full): say so plainly
            raise
        report.error("store", None, None, None, None, exc.message)
        report.stats = {"nodes_written": 0, "relationships_written": 0, "by_label": {}}
        return report
    stats.nodes_unchanged += unchanged_nodes
    stats.relationships_unchanged += unchanged_rels
    report.stats = stats.as_dict()
    return report
