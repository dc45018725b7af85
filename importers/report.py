"""Import problems as data: :class:`ImportIssue` and :class:`ImportReport`.

Every importer returns an :class:`ImportReport`, valid or not; it never
raises for bad input. Row numbers count the header as row 1.

Examples
--------
>>> report = ImportReport()
>>> report.error("enum", "programs.csv", 7, "context", "sometimes", "expected routine")
>>> report.valid
False
>>> report.flatten()
[['enum', 'programs.csv', 7, 'context', 'sometimes']]
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["ImportIssue", "ImportReport"]


@dataclass(frozen=True)
class ImportIssue:
    """One problem in the input, precise enough to find and fix it."""

    type: str
    file: str | None
    row_number: int | None
    field: str | None
    value: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["row"] = data.pop("row_number")
        return {k: data[k] for k in ("type", "file", "row", "field", "value", "message")}

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.row_number) if p is not None)
        col = f" [{self.field}]" if self.field else ""
        val = f" {self.value!r}" if self.value not in (None, "") else ""
        return f"{where}{col}{val}: {self.message}" if where else f"{self.message}"


@dataclass
class ImportReport:
    """The outcome of an import: validity, what was written, errors and warnings.

    ``limit_errors`` caps how many errors are kept (the count of all of them
    stays in ``error_count``).
    """

    stats: dict[str, Any] = field(
        default_factory=lambda: {"nodes_written": 0, "relationships_written": 0, "by_label": {}}
    )
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    skipped_rows: list[ImportIssue] = field(default_factory=list)
    limit_errors: int = 1000
    error_count: int = 0
    dry_run: bool = False
    partial: bool = False

    @property
    def valid(self) -> bool:
        return self.error_count == 0

    def error(
        self,
        type: str,
        file: str | None,
        row: int | None,
        field: str | None,
        value: Any,
        message: str,
    ) -> None:
        self.error_count += 1
        if len(self.errors) < self.limit_errors:
            self.errors.append(
                ImportIssue(type, file, row, field, None if value is None else str(value), message)
            )

    def warning(
        self,
        type: str,
        file: str | None,
        row: int | None,
        field: str | None,
        value: Any,
        message: str,
    ) -> None:
        if len(self.warnings) < self.limit_errors:
            self.warnings.append(
                ImportIssue(type, file, row, field, None if value is None else str(value), message)
            )

    def flatten(self) -> list[list[Any]]:
        """Errors as ``[type, file, row, field, value]`` rows, for tests."""
        return [[e.type, e.file, e.row_number, e.field, e.value] for e in self.errors]

    def as_dict(self) -> dict[str, Any]:
        """The JSON of SPEC section 5 (``import --json`` and ``POST /imports``)."""
        out: dict[str, Any] = {
            "valid": self.valid,
            "dry_run": self.dry_run,
            "stats": self.stats,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
        }
        if self.error_count > len(self.errors):
            out["errors_truncated"] = self.error_count - len(self.errors)
        if self.partial:
            out["skipped_rows"] = [s.as_dict() for s in self.skipped_rows]
        return out
