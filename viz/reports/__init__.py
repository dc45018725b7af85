"""Meeting-ready reports of a locality: an Excel workbook and a PDF from one pack."""

from viz.reports.pack import Pack, build_pack
from viz.reports.pdf import PdfUnavailable, pdf_bytes
from viz.reports.xlsx import workbook_bytes

__all__ = ["FORMATS", "Pack", "PdfUnavailable", "build_pack", "pdf_bytes", "workbook_bytes"]

#: Format -> (media type, file suffix).
FORMATS: dict[str, tuple[str, str]] = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "pdf": ("application/pdf", ".pdf"),
}
