"""Skip rows a re-import would not change, before validating them.

A row's *digest* covers its file, its cells and the code that turns rows
into records (:data:`ROW_FORMAT`). The store keeps, with each record an
import wrote, the digest of the row it came from
(:meth:`graph.store.base.GraphStore.write` with ``row_digests``); any other
write of the record (an API edit, an import of another format) forgets it.
So when a row's digest equals the one stored under its record's key, the
record is exactly what this row would write again: it is counted as
unchanged without being validated or compared. Rows whose key cannot be
read before validation (files without an ``id`` column, such as
capabilities) are always validated.

Before any row is read, a whole import can be skipped: a valid import
leaves an *import mark* in the store (:meth:`~graph.store.base.GraphStore.write`
with ``import_mark``, same transaction), the digest of every file it read
and of the code that read it (:func:`import_key`) with the report's counts
and warnings. The store gives the mark back only while its graph version is
the one that import left (any write that changes something, by anyone, moves
it on), so the same files imported again find nothing to do
(:func:`unchanged_report`) without reading a row.

Examples
--------
>>> key, digest = row_key("organizations", {"id": " o1 ", "name": "א"}), row_digest(
...     "organizations", {"id": " o1 ", "name": "א"})
>>> key, len(digest)
('o1', 32)
>>> row_key("memberships", {"member_id": "r1", "forum_id": "f1"})
('r1', 'MEMBER_OF', 'f1')
>>> row_digest("organizations", {"id": "o1", "name": "א"}) == row_digest(
...     "organizations", {"id": "o1", "name": "ב"})
False
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from graph.store.base import GraphStore, RecordKey, WriteStats
from importers.report import ImportIssue, ImportReport

__all__ = [
    "REL_ENDS",
    "ROW_FORMAT",
    "import_key",
    "import_mark",
    "keys_and_digests",
    "row_digest",
    "row_key",
    "unchanged_report",
]

#: Relationship files: (source column, type, target column).
REL_ENDS: dict[str, tuple[str, str, str]] = {
    "memberships": ("member_id", "MEMBER_OF", "forum_id"),
    "program_partners": ("organization_id", "PARTNERS_IN", "program_id"),
    "partnerships": ("source_id", "PARTNERS_WITH", "target_id"),
}


def _code_fingerprint() -> str:
    """A digest of the modules that turn rows into records: new rules, new digests."""
    here = Path(__file__).resolve().parent
    sources = [
        here.parent / "graph" / "model.py",
        here.parent / "graph" / "model_process.py",
        here.parent / "graph" / "hygiene.py",
        here / "validation.py",
        here / "fastrow.py",
        here / "tabular.py",
    ]
    h = hashlib.blake2b(digest_size=16)
    for source in sources:
        try:
            h.update(source.read_bytes())
        except OSError:
            h.update(source.name.encode())
    return h.hexdigest()


#: Changes whenever the code that validates rows changes (then every row is parsed again once).
ROW_FORMAT = _code_fingerprint()


def row_key(stem: str, data: dict[str, Any]) -> RecordKey | None:
    """The key of the record a row of file ``stem`` writes, when the raw row tells it."""
    ends = REL_ENDS.get(stem)
    if ends is not None:
        source, rel_type, target = (data.get(ends[0]), ends[1], data.get(ends[2]))
        if isinstance(source, str) and isinstance(target, str) and source and target:
            return (source.strip(), rel_type, target.strip())
        return None
    node_id = data.get("id")
    if isinstance(node_id, str) and node_id.strip():
        return node_id.strip()
    return None


@functools.cache
def _seed(stem: str, form: str) -> Any:
    """A hash primed with the code fingerprint, the file and the digest's form."""
    return hashlib.blake2b(f"{ROW_FORMAT}|{stem}|{form}|".encode(), digest_size=16)


def row_digest(stem: str, data: dict[str, Any]) -> str:
    """The digest of one raw row of file ``stem``.

    The column names, then the cells, in the row's own column order, joined
    by NUL: as many names as cells, and no NUL inside any, so two different
    rows never join the same (a file with its columns in another order just
    parses once more). A row with a NUL in a cell, or a cell that is not
    text, is digested from its Python literal (``repr`` quotes and escapes
    every string) under another form tag instead.
    """
    try:
        text = "\x00".join(data) + "\x00" + "\x00".join(data.values())
    except TypeError:  # a cell that is not text
        text = ""
    if text.count("\x00") != 2 * len(data) - 1:
        h = _seed(stem, "repr").copy()
        h.update(repr(tuple(data.items())).encode("utf-8", "surrogatepass"))
        return str(h.hexdigest())
    h = _seed(stem, "nul").copy()
    h.update(text.encode("utf-8", "surrogatepass"))
    return str(h.hexdigest())


def keys_and_digests(
    stem: str, rows: Iterable[dict[str, Any]]
) -> tuple[list[RecordKey | None], list[str]]:
    """:func:`row_key` and :func:`row_digest` of every row of file ``stem``, in one loop.

    The same values as calling both per row, without two Python calls per
    row: a re-import of 100k unchanged rows spends most of its time here.
    (An import into an empty store looks no key up: it digests each row as it
    parses it, :func:`digest_with`.)

    >>> rows = [{"id": "o1", "name": "א"}, {"id": " ", "name": "ב"}]
    >>> keys, digests = keys_and_digests("organizations", rows)
    >>> keys, digests == [row_digest("organizations", r) for r in rows]
    (['o1', None], True)
    """
    keys: list[RecordKey | None] = []
    digests: list[str] = []
    primed = _seed(stem, "nul").copy
    ends = REL_ENDS.get(stem)
    for data in rows:
        if ends is None:
            node_id = data.get("id")
            keys.append(node_id.strip() if isinstance(node_id, str) and node_id.strip() else None)
        else:
            keys.append(row_key(stem, data))
        try:
            text = "\x00".join(data) + "\x00" + "\x00".join(data.values())
        except TypeError:  # a cell that is not text
            text = ""
        if text.count("\x00") == 2 * len(data) - 1:
            h = primed()
            h.update(text.encode("utf-8", "surrogatepass"))
            digests.append(h.hexdigest())
        else:
            digests.append(row_digest(stem, data))
    return keys, digests


@functools.lru_cache(maxsize=256)
def digest_primer(stem: str, columns: tuple[str, ...]) -> Callable[[], Any] | None:
    """A fresh hash, primed with :func:`row_digest`'s text up to the first cell, per call.

    For rows of file ``stem`` with exactly these column names, in this order:
    the names are joined once per header, not once per row
    (:func:`digest_with`). ``None`` when the names alone cannot make that text
    (a name with a NUL, or none at all).
    """
    if not columns or any("\x00" in c for c in columns):
        return None
    h = _seed(stem, "nul").copy()
    h.update(("\x00".join(columns) + "\x00").encode("utf-8", "surrogatepass"))
    return h.copy


def digest_with(primer: Callable[[], Any] | None, stem: str, data: dict[str, Any]) -> str:
    """:func:`row_digest` of ``data``, whose column names ``primer`` was made for.

    >>> data = {"id": "o1", "name": "עמותה"}
    >>> primer = digest_primer("organizations", ("id", "name"))
    >>> digest_with(primer, "organizations", data) == row_digest("organizations", data)
    True
    >>> digest_with(None, "organizations", data) == row_digest("organizations", data)
    True
    """
    if primer is not None:
        try:
            text = "\x00".join(data.values())
        except TypeError:  # a cell that is not text: row_digest's other form
            return row_digest(stem, data)
        if text.count("\x00") == len(data) - 1:
            h = primer()
            h.update(text.encode("utf-8", "surrogatepass"))
            return str(h.hexdigest())
    return row_digest(stem, data)


@functools.cache
def _import_code() -> str:
    """A digest of every module an import runs (parsers, checks, models, stores)."""
    repo = Path(__file__).resolve().parent.parent
    h = hashlib.blake2b(digest_size=16)
    for folder in ("importers", "graph"):
        for source in sorted((repo / folder).rglob("*.py")):
            h.update(source.relative_to(repo).as_posix().encode() + b"\x00")
            h.update(source.read_bytes() + b"\x00")
    return h.hexdigest()


def import_key(path: Path, fmt: str) -> str:
    """The digest of an import of ``path`` as ``fmt``: every file's name and bytes, and the code.

    A folder counts every file under it (names relative to it), a file its
    own name and bytes.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "organizations.csv").write_text("id,name\\no1,א\\n")
    >>> first = import_key(folder, "tabular")
    >>> first == import_key(folder, "tabular"), first == import_key(folder, "json")
    (True, False)
    >>> _ = (folder / "organizations.csv").write_text("id,name\\no1,ב\\n")
    >>> first == import_key(folder, "tabular")
    False
    """
    h = hashlib.blake2b(f"{_import_code()}|{fmt}|".encode(), digest_size=16)
    files = sorted(f for f in path.rglob("*") if f.is_file()) if path.is_dir() else [path]
    for file in files:
        name = file.relative_to(path).as_posix() if path.is_dir() else file.name
        h.update(f"{name}\x00{file.stat().st_size}\x00".encode("utf-8", "surrogatepass"))
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def import_mark(key: str, report: ImportReport, nodes: int, relationships: int) -> str:
    """What a valid import leaves in the store: its key, how many records landed, warnings."""
    return json.dumps(
        {
            "key": key,
            "nodes": nodes,
            "relationships": relationships,
            "warnings": [w.as_dict() for w in report.warnings],
        },
        ensure_ascii=False,
    )


def unchanged_report(
    store: GraphStore, key: str, *, dry_run: bool = False, partial: bool = False
) -> ImportReport | None:
    """The report of an import that finds nothing to do, if the store's mark says so.

    ``None`` when the last import's mark is not ``key``, or when the graph
    changed since (the import must then run). Otherwise the report a full
    run would give: nothing written, every record unchanged, the same warnings.
    """
    stored = store.import_mark()
    if stored is None:
        return None
    try:
        mark = json.loads(stored)
        if mark.get("key") != key:
            return None
        nodes, relationships = int(mark["nodes"]), int(mark["relationships"])
        warnings = [
            ImportIssue(w["type"], w["file"], w["row"], w["field"], w["value"], w["message"])
            for w in mark["warnings"]
        ]
    except (ValueError, TypeError, KeyError, AttributeError):
        return None  # a mark written by other code: import in full
    report = ImportReport(warnings=warnings, dry_run=dry_run, partial=partial)
    if dry_run:
        report.stats = {
            "nodes_written": 0,
            "relationships_written": 0,
            "by_label": {},
            "would_write": {"nodes": 0, "relationships": 0, "by_label": {}},
        }
    else:
        report.stats = WriteStats(
            nodes_unchanged=nodes, relationships_unchanged=relationships
        ).as_dict()
    return report
