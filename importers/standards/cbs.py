"""Israel's national statistics: local authorities and the list of localities.

Two files, two entry points (:func:`parse` picks the right one by header):

* :func:`parse_authorities` reads the CBS table of local authorities
  (``cbs_local_authorities_2021.csv``: Hebrew headers, ``..`` for missing).
* :func:`parse_localities` reads the CBS list of localities
  (``localities.csv``, UTF-8 with BOM) and, when it lies beside it, the
  regional-council membership file ``municipality-to-city.csv``.

Ids
---
The CBS numbers authorities and localities in one scheme, and the ids keep
it: a city or local council *is* a town, and its authority code is that
town's four-digit locality code (Ofakim: authority ``0031``, locality
``31``), so both files land on one node ``cbs-0031``. Regional councils
have two-digit codes (Nahal Sorek: ``31``) and get ``cbs-31``; a village or
kibbutz inside one is its own Locality ``cbs-<four-digit code>`` with
``regional_council_id`` pointing at the council's node. The code is kept in
``cbs_code``. A town and its authority are therefore one node, never two.

Mapping: local authorities
--------------------------
==========================================  ==============================================
CBS column (keywords matched)               Locality field
==========================================  ==============================================
שם הרשות                                    ``name``, ``name_he``
סמל הרשות                                   ``cbs_code`` (zero-padded), id ``cbs-<code>``
מחוז                                        ``district``
מעמד מוניציפלי                              ``municipal_status``: עירייה→city,
                                            מועצה מקומית→local_council,
                                            מועצה אזורית→regional_council
שנת קבלת מעמד מוניציפלי                     ``status_year``
סה"כ אוכלוסייה בסוף השנה                    ``population``
ערבים (אחוזים)                              ``arab_population_pct``
מדד חברתי-כלכלי: אשכול                      ``socioeconomic_cluster`` (1–10)
מדד חברתי-כלכלי: ערך מדד / דירוג            ``socioeconomic_index`` / ``socioeconomic_rank``
מדד פריפריאליות: אשכול / ערך מדד            ``peripherality_cluster`` / ``peripherality_index``
==========================================  ==============================================

Mapping: localities
-------------------
=======================================  ==============================================
localities.csv column                    Locality field
=======================================  ==============================================
id                                       ``cbs_code`` (four digits), id ``cbs-<code>``
name / name_en                           ``name``, ``name_he`` / ``name_en``
district_name, sub_district_name         ``district``, ``sub_district``
municipal_status_id, _name               עירייה→city, מועצה מקומית→local_council;
                                         "מועצה אזורית X" (code NN)→
                                         ``regional_council_id`` ``cbs-NN`` and
                                         ``regional_council_name`` X (the council's
                                         node is created when missing)
population                               ``population`` (a stored authority's
                                         figure is kept)
local_authorities_cluster_id / _name     ``cluster_id`` ``cbs-cluster-<id>``,
                                         ``cluster_name``
coordinates_wgs84_latitude / _longitude  ``latitude``, ``longitude``
type_of_locality_group                   ``locality_type``
=======================================  ==============================================

``municipality-to-city.csv`` (``city,municipality``) is checked against
the council named in ``localities.csv``: agreement confirms the membership,
a disagreement or a town that is not in the list is a warning naming the
row (``localities.csv``, the 2021 list, wins).

Matching: an incoming locality merges into a stored one with the same id,
the same ``cbs_code``, or (unambiguously) the same name after
:func:`graph.text.normalize` (קריית/קרית, hyphens, quotes), under the
stored id and display name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph.model import Locality, MunicipalStatus, NodeRecord
from graph.store.base import GraphStore
from graph.text import normalize
from importers.pipeline import Batch, Origin
from importers.report import ImportReport
from importers.standards.common import (
    LocalityMatcher,
    NodeCollector,
    build_node,
    head_text,
    parse_number,
    read_rows,
)

__all__ = [
    "MUNICIPAL_STATUS",
    "detect",
    "detect_localities",
    "parse",
    "parse_authorities",
    "parse_localities",
]

#: Hebrew (and English) municipal status names -> ``municipal_status``.
MUNICIPAL_STATUS: dict[str, MunicipalStatus] = {
    normalize("עירייה"): MunicipalStatus.city,
    normalize("עיריה"): MunicipalStatus.city,
    normalize("מועצה מקומית"): MunicipalStatus.local_council,
    normalize("מועצה אזורית"): MunicipalStatus.regional_council,
    "city": MunicipalStatus.city,
    "local council": MunicipalStatus.local_council,
    "local_council": MunicipalStatus.local_council,
    "regional council": MunicipalStatus.regional_council,
    "regional_council": MunicipalStatus.regional_council,
}

_RC_PREFIX = normalize("מועצה אזורית")
_NO_STATUS = normalize("חסר מעמד מוניציפלי")

# field -> (keywords that must all be in the header, keywords that must not be)
_AUTHORITY_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "name": (("שם הרשות",), ()),
    "cbs_code": (("סמל הרשות",), ()),
    "district": (("מחוז",), ()),
    "municipal_status": (("מעמד מוניציפלי",), ("שנת",)),
    "status_year": (("שנת", "מעמד"), ()),
    "population": (("אוכלוסייה",), ()),
    "arab_population_pct": (("ערבים",), ()),
    "socioeconomic_cluster": (("חברתי-כלכלי", "אשכול"), ()),
    "socioeconomic_index": (("חברתי-כלכלי", "ערך"), ()),
    "socioeconomic_rank": (("חברתי-כלכלי", "דירוג"), ()),
    "peripherality_cluster": (("פריפריאליות", "אשכול"), ()),
    "peripherality_index": (("פריפריאליות", "ערך"), ()),
}
_REQUIRED = ("name", "cbs_code", "municipal_status")
_INTEGERS = {
    "population",
    "socioeconomic_cluster",
    "socioeconomic_rank",
    "peripherality_cluster",
    "status_year",
}
_FLOATS = {"arab_population_pct", "socioeconomic_index", "peripherality_index"}
#: Authority-level figures a localities import does not overwrite.
_AUTHORITY_KEEP = ("name", "name_he", "population", "district", "municipal_status")


def _find_columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for fname, (must, must_not) in _AUTHORITY_COLUMNS.items():
        for idx, title in enumerate(header):
            text = str(title or "").strip()
            if text == fname or (
                all(k in text for k in must) and not any(k in text for k in must_not)
            ):
                found[fname] = idx
                break
    return found


def detect(path: Path) -> bool:
    """Whether ``path`` is the CBS local-authorities table (or the localities list)."""
    return detect_authorities(path) or detect_localities(path)


def detect_authorities(path: Path) -> bool:
    """Whether the first line of ``path`` has the CBS authority-code header."""
    first = head_text(path).split("\n", 1)[0]
    return "סמל הרשות" in first


def detect_localities(path: Path) -> bool:
    """Whether ``path`` is the CBS localities list (``id,name,…,municipal_status_id``)."""
    first = head_text(path).split("\n", 1)[0].lstrip("\ufeff")
    cols = {c.strip().strip('"') for c in first.split(",")}
    return {"id", "name", "municipal_status_id"} <= cols


def parse(path: Path, report: ImportReport, store: GraphStore) -> Batch:
    """Parse either CBS file, chosen by its header."""
    if detect_localities(path):
        return parse_localities(path, report, store)
    return parse_authorities(path, report, store)


def _code(raw: Any, status: MunicipalStatus | None) -> str | None:
    text = str(raw or "").strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit():
        return None
    return text.zfill(2 if status is MunicipalStatus.regional_council else 4)


def parse_authorities(path: Path, report: ImportReport, store: GraphStore) -> Batch:
    """Parse the CBS table of local authorities into Locality records.

    Parameters
    ----------
    path : Path
        ``cbs_local_authorities_2021.csv`` or a file with the same Hebrew headers.
    report : ImportReport
        Receives every problem, with file, row, column and value.
    store : GraphStore
        Read only: stored localities are matched (id, ``cbs_code``, name).

    Returns
    -------
    Batch
        One Locality per authority.
    """
    batch = Batch()
    name = path.name
    rows = read_rows(path, report)
    if not rows:
        if rows is not None:
            report.error("empty", name, None, None, None, "the file has no header row")
        return batch
    header = [str(c or "").strip() for c in rows[0]]
    columns = _find_columns(header)
    missing = [f for f in _REQUIRED if f not in columns]
    for fname in missing:
        must = " ".join(_AUTHORITY_COLUMNS[fname][0])
        report.error(
            "missing-column", name, 1, fname, None, f"no column with {must!r} in the header"
        )
    if missing:
        return batch
    matcher = LocalityMatcher(store)
    nodes = NodeCollector(batch)
    for rownum, row in enumerate(rows[1:], start=2):
        if not any(str(c or "").strip() for c in row):
            continue
        origin = Origin(name, rownum)

        def cell(fname: str, row: list[Any] = row) -> Any:
            idx = columns.get(fname)
            return row[idx] if idx is not None and idx < len(row) else None

        data: dict[str, Any] = {"name": str(cell("name") or "").strip()}
        status_text = str(cell("municipal_status") or "").strip()
        status = MUNICIPAL_STATUS.get(normalize(status_text))
        if status is None:
            report.warning(
                "unknown-code",
                name,
                rownum,
                header[columns["municipal_status"]],
                status_text,
                "unknown municipal status (expected עירייה, מועצה מקומית or מועצה אזורית);"
                " imported without one",
            )
        code = _code(cell("cbs_code"), status)
        if code is None:
            report.error(
                "value",
                name,
                rownum,
                header[columns["cbs_code"]],
                cell("cbs_code"),
                "expected the authority code as digits",
            )
            continue
        ok = True
        for fname in sorted(_INTEGERS | _FLOATS):
            if fname not in columns:
                continue
            raw = cell(fname)
            try:
                number = parse_number(raw)
            except ValueError:
                report.error(
                    "number",
                    name,
                    rownum,
                    header[columns[fname]],
                    raw,
                    "expected a number ('..' for missing)",
                )
                ok = False
                continue
            if number is not None:
                data[fname] = round(number) if fname in _INTEGERS else number
        if not ok:
            continue
        data.update(
            id=f"cbs-{code}",
            name_he=data["name"],
            cbs_code=code,
            municipal_status=status,
            district=str(cell("district") or "").strip() or None,
        )
        record = build_node(Locality, data, report, origin)
        if record is None:
            continue
        if record.id in nodes:
            report.error(
                "duplicate-id",
                name,
                rownum,
                header[columns["cbs_code"]],
                code,
                "repeated authority code",
            )
            continue
        existing = matcher.match(
            record.id, code=code, names=[data["name"]], status=status.value if status else None
        )
        if existing is not None and existing.id in nodes:
            report.error(
                "duplicate-id",
                name,
                rownum,
                header[columns["name"]],
                data["name"],
                f"matches the stored locality {existing.id!r} that another row already updates",
            )
            continue
        nodes.add(record, origin, existing)
    return batch


def _read_membership(path: Path, report: ImportReport) -> dict[str, tuple[str, int, str]] | None:
    """``municipality-to-city.csv``: normalised town name -> (council, row, town as written)."""
    rows = read_rows(path, report)
    if rows is None:
        return None
    header = [str(c or "").strip().lower() for c in rows[0]] if rows else []
    if "city" not in header or "municipality" not in header:
        report.error(
            "missing-column", path.name, 1, "city", None, "expected the columns city,municipality"
        )
        return None
    ci, mi = header.index("city"), header.index("municipality")
    out: dict[str, tuple[str, int, str]] = {}
    for rownum, row in enumerate(rows[1:], start=2):
        town = str(row[ci] if ci < len(row) else "").strip()
        council = str(row[mi] if mi < len(row) else "").strip()
        if not town or not council:
            report.warning(
                "missing",
                path.name,
                rownum,
                "city" if not town else "municipality",
                None,
                "row without a town or council name; ignored",
            )
            continue
        out.setdefault(normalize(town), (council, rownum, town))
    return out


def parse_localities(
    path: Path,
    report: ImportReport,
    store: GraphStore,
    membership_path: Path | None = None,
) -> Batch:
    """Parse the CBS localities list into Locality records.

    Parameters
    ----------
    path : Path
        ``localities.csv`` (the columns of the CBS list; a BOM is fine).
    report : ImportReport
        Receives every problem.
    store : GraphStore
        Read only: stored localities are matched (id, ``cbs_code``, name).
    membership_path : Path, optional
        ``municipality-to-city.csv``; by default the file of that name
        beside ``path``, when there is one.

    Returns
    -------
    Batch
        A Locality per row, and a regional-council Locality per council
        named that is neither stored nor in the batch.
    """
    batch = Batch()
    name = path.name
    rows = read_rows(path, report)
    if not rows:
        if rows is not None:
            report.error("empty", name, None, None, None, "the file has no header row")
        return batch
    header = [str(c or "").strip().lstrip("\ufeff") for c in rows[0]]
    for required in ("id", "name", "municipal_status_name"):
        if required not in header:
            report.error("missing-column", name, 1, required, None, f"no {required!r} column")
    if not report.valid:
        return batch
    col = {title: idx for idx, title in enumerate(header)}
    if membership_path is None and (path.parent / "municipality-to-city.csv").is_file():
        membership_path = path.parent / "municipality-to-city.csv"
    membership = _read_membership(membership_path, report) if membership_path else None
    used_membership: set[str] = set()
    matcher = LocalityMatcher(store)
    nodes = NodeCollector(batch)
    councils: dict[str, str] = {}  # cbs-NN -> the id the council's node has
    for rownum, row in enumerate(rows[1:], start=2):
        if not any(str(c or "").strip() for c in row):
            continue
        origin = Origin(name, rownum)

        def cell(title: str, row: list[Any] = row) -> str:
            idx = col.get(title)
            return str(row[idx] if idx is not None and idx < len(row) else "").strip()

        raw_id = cell("id")
        if not raw_id.isdigit():
            report.error("value", name, rownum, "id", raw_id, "expected the CBS locality code")
            continue
        code = raw_id.zfill(4)
        status_name = cell("municipal_status_name")
        status_key = normalize(status_name)
        status = MUNICIPAL_STATUS.get(status_key)
        data: dict[str, Any] = {
            "id": f"cbs-{code}",
            "name": cell("name"),
            "name_he": cell("name"),
            "name_en": cell("name_en") or None,
            "cbs_code": code,
            "district": cell("district_name") or None,
            "sub_district": cell("sub_district_name") or None,
            "locality_type": cell("type_of_locality_group") or None,
        }
        for title, fname in (
            ("coordinates_wgs84_latitude", "latitude"),
            ("coordinates_wgs84_longitude", "longitude"),
            ("population", "population"),
        ):
            try:
                number = parse_number(cell(title))
            except ValueError:
                report.error("number", name, rownum, title, cell(title), "expected a number")
                number = None
            if number is not None:
                data[fname] = round(number) if fname == "population" else number
        if cell("local_authorities_cluster_id"):
            data["cluster_id"] = f"cbs-cluster-{cell('local_authorities_cluster_id')}"
            data["cluster_name"] = cell("local_authorities_cluster_name") or None
        council: tuple[str, str] | None = None
        if status is MunicipalStatus.regional_council or status_key.startswith(_RC_PREFIX):
            rc_code = cell("municipal_status_id")
            rc_name = status_name.replace("מועצה אזורית", "", 1).strip()
            if not rc_code.isdigit() or not rc_name:
                report.warning(
                    "value",
                    name,
                    rownum,
                    "municipal_status_id",
                    rc_code,
                    "a regional council without a code or name; membership not recorded",
                )
            else:
                council = (f"cbs-{rc_code.zfill(2)}", rc_name)
                council_id = councils.get(council[0])
                if council_id is None:
                    council_id = _add_council(council, origin, matcher, nodes, report)
                    councils[council[0]] = council_id or council[0]
                data["regional_council_id"] = council_id or council[0]
                data["regional_council_name"] = rc_name
        elif status is not None:
            data["municipal_status"] = status
        elif status_key and status_key != _NO_STATUS:
            report.warning(
                "unknown-code",
                name,
                rownum,
                "municipal_status_name",
                status_name,
                "unknown municipal status; imported without one",
            )
        if membership is not None:
            listed = membership.get(normalize(data["name"]))
            if listed is not None:
                used_membership.add(normalize(data["name"]))
                if council is None or normalize(listed[0]) != normalize(council[1]):
                    report.warning(
                        "conflict",
                        membership_path.name if membership_path else None,
                        listed[1],
                        "municipality",
                        listed[0],
                        f"{name} row {rownum} puts {data['name']!r} in "
                        f"{council[1] if council else 'no regional council'!r}; "
                        f"{name} was kept",
                    )
        record = build_node(Locality, data, report, origin)
        if record is None:
            continue
        if record.id in nodes:
            report.error("duplicate-id", name, rownum, "id", raw_id, "repeated locality code")
            continue
        existing = matcher.match(
            record.id,
            code=code,
            names=[data["name"], data["name_en"]],
            status=status,
            # kibbutz Megiddo is not the Megiddo regional council
            not_status=None if status else MunicipalStatus.regional_council.value,
        )
        nodes.add(record, origin, existing, keep=_AUTHORITY_KEEP)
    if membership is not None and membership_path is not None:
        for key, (council_name, rownum, town) in membership.items():
            if key not in used_membership:
                report.warning(
                    "unknown-reference",
                    membership_path.name,
                    rownum,
                    "city",
                    town,
                    f"no locality of this name in {name}; membership in {council_name!r} ignored",
                )
    return batch


def _add_council(
    council: tuple[str, str],
    origin: Origin,
    matcher: LocalityMatcher,
    nodes: NodeCollector,
    report: ImportReport,
) -> str | None:
    """Add a regional council's node (merged into a stored one); the id it landed under."""
    rc_id, rc_name = council
    code = rc_id.removeprefix("cbs-")
    data = {
        "id": rc_id,
        "name": rc_name,
        "name_he": rc_name,
        "cbs_code": code,
        "municipal_status": MunicipalStatus.regional_council,
    }
    record: NodeRecord | None = build_node(Locality, data, report, origin)
    if record is None:
        return None
    existing = matcher.match(rc_id, code=code, names=[rc_name], status="regional_council")
    if existing is not None:
        # A stored council keeps its own fields; only what it lacks is added.
        record = NodeRecord(record.label, record.id, {**record.props, **existing.props})
    return nodes.add(record, origin, existing)
