"""Meeting-ready reports (viz/reports): workbook and PDF carry the town's findings in Hebrew."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.store.sqlite import SQLiteStore
from importers.registry import run_import
from viz.reports import build_pack, pdf_bytes, workbook_bytes

#: The demo's programs run 2023-2025: its planted findings are seen as of mid-2024.
DEMO_AS_OF = dt.date(2024, 6, 30)
DEMO = Path(__file__).resolve().parents[2] / "importers" / "demo" / "data"


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> SQLiteStore:
    path = tmp_path_factory.mktemp("reports") / "demo.db"
    store = SQLiteStore(path)
    report = run_import(store, DEMO)
    assert report.valid
    return store


def test_workbook_has_a_sheet_per_section_right_to_left_with_typed_columns(demo_store):
    pack = build_pack(demo_store, "loc-sderot", as_of=DEMO_AS_OF, lang="he")
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(pack)))
    assert book.sheetnames[:6] == [
        "סיכום",
        "תכניות כפולות",
        "גורמים מבודדים",
        "גשרים בין מגזרים",
        "נקודות מינוף",
        "מדדי הרשת",
    ]
    assert all(book[name].sheet_view.rightToLeft for name in book.sheetnames)
    dups = book["תכניות כפולות"]
    header = [c.value for c in dups[1]]
    assert header[0] == "תכניות" and "השקעה (₪)" in header
    money_col = header.index("השקעה (₪)") + 1
    amounts = [dups.cell(row=r, column=money_col).value for r in range(2, dups.max_row + 1)]
    # The demo plants the Sderot STEM duplicates (FINDINGS.md): the amounts are numbers, not text.
    assert amounts and all(isinstance(a, int | float) for a in amounts)
    texts = " ".join(str(c.value) for row in dups.iter_rows() for c in row if c.value)
    assert "רובוטיקה אחרי הצהריים" in texts
    summary = " ".join(str(c.value) for c in book["סיכום"]["A"] if c.value)
    assert "שדרות" in summary and "גורמים" in summary


def test_workbook_adds_the_plan_when_the_town_has_goals(demo_store):
    book = openpyxl.load_workbook(
        io.BytesIO(workbook_bytes(build_pack(demo_store, "loc-sderot", as_of=DEMO_AS_OF)))
    )
    goals = book["יעדים יישוביים"]
    header = [c.value for c in goals[1]]
    assert header[:3] == ["יעד", "תחומים", "מצב"]
    # the demo's Sderot goal (goals.csv): a STEM continuum, its status in Hebrew words
    titles = [row[0] for row in goals.iter_rows(min_row=2, values_only=True)]
    assert "רצף STEM מהגן ועד התיכון" in titles
    statuses = {row[2] for row in goals.iter_rows(min_row=2, values_only=True)}
    assert statuses <= {"הושג", "בדרך ליעד", "בפיגור", "אין נתונים"}


def test_workbook_in_english_is_left_to_right(demo_store):
    book = openpyxl.load_workbook(
        io.BytesIO(
            workbook_bytes(build_pack(demo_store, "loc-sderot", as_of=DEMO_AS_OF, lang="en"))
        )
    )
    assert "Duplicated programs" in book.sheetnames
    assert not book["Summary"].sheet_view.rightToLeft


def test_formula_like_names_stay_text(tmp_path):
    store = SQLiteStore(tmp_path / "f.db")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "localities.csv").write_text("id,name\nl1,עיר\n", encoding="utf-8")
    (folder / "organizations.csv").write_text(
        'id,name,sector,locality_ids\no1,\'=HYPERLINK("http://x"),community,l1\n', encoding="utf-8"
    )
    assert run_import(store, folder).valid
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(build_pack(store, "l1"))))
    cells = [c for ws in book for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]


needs_pdf = pytest.mark.skipif(
    shutil.which("chromium") is None or shutil.which("pdftotext") is None,
    reason="scripts/setup-system.sh installs chromium and poppler-utils",
)


@needs_pdf
def test_pdf_hebrew_is_real_text_in_logical_order(demo_store, tmp_path):
    pdf = pdf_bytes(build_pack(demo_store, "loc-sderot", as_of=DEMO_AS_OF, lang="he"))
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    # pdftotext marks direction runs; table cells wrap names over lines.
    plain = " ".join("".join(c for c in text if c not in "\u202a\u202b\u202c\u200e\u200f").split())
    assert "דוח שותפויות" in plain  # logical order: reversed text would read "תויופתוש חוד"
    assert "גורמים מבודדים" in plain
    assert "עמותת מדע בגובה העיניים" in plain  # an isolate of FINDINGS.md, in its table


def test_cli_report_writes_the_workbook_and_refuses_bad_usage(demo_store, tmp_path):
    runner = CliRunner()
    out = tmp_path / "sderot.xlsx"
    store_url = demo_store.url
    result = runner.invoke(
        app,
        [
            "report",
            "--locality",
            "loc-sderot",
            "--format",
            "xlsx",
            "-o",
            str(out),
            "--store",
            store_url,
        ],
    )
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).sheetnames[0] == "סיכום"
    bad = runner.invoke(
        app,
        [
            "report",
            "--locality",
            "loc-sderot",
            "--format",
            "docx",
            "-o",
            str(out),
            "--store",
            store_url,
        ],
    )
    assert bad.exit_code == 2 and "--format" in bad.output
    missing = runner.invoke(
        app, ["report", "--locality", "loc-nowhere", "-o", str(out), "--store", store_url]
    )
    assert missing.exit_code == 1 and "loc-nowhere" in missing.output


def test_health_pages_follow_the_latest_wave(tmp_path):
    from graph.model import NodeRecord as N

    store = SQLiteStore(tmp_path / "h.db")
    org = {"sector": "nonprofit", "locality_ids": ["l1"]}
    store.write(
        [
            N("Locality", "l1", {"name": "עיר"}),
            N("Organization", "a", {"name": "עמותה א", **org}),
            N("Organization", "b", {"name": "עמותה ב", **org}),
            N("Organization", "c", {"name": "עמותה ג", **org}),
            # b answers too, rating c with every item 4, but never rates a back
            N(
                "SurveyResponse",
                "s2",
                {
                    "wave": "2025-03-01",
                    "respondent_id": "b",
                    "partner_id": "c",
                    "reliability": 4,
                    "mission_support": 4,
                    "openness": 4,
                    "power_influence": 4,
                    "involvement": 4,
                    "resource_contribution": 4,
                },
            ),
            # a rates b: trust items 4,4,4 -> 1.0; value items 1,1,1 -> 0.0 (SPEC 6: (x-1)/3)
            N(
                "SurveyResponse",
                "s1",
                {
                    "wave": "2025-03-01",
                    "respondent_id": "a",
                    "partner_id": "b",
                    "reliability": 4,
                    "mission_support": 4,
                    "openness": 4,
                    "power_influence": 1,
                    "involvement": 1,
                    "resource_contribution": 1,
                },
            ),
        ]
    )
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(build_pack(store, "l1", lang="en"))))
    names = [n for n in book.sheetnames if n.startswith("Partnership health")]
    assert len(names) == 2
    scores = {row[0]: row[1:3] for row in book[names[1]].iter_rows(min_row=2, values_only=True)}
    assert scores["עמותה ב"] == (1.0, 0.0)
    concerns = [row[0] for row in book[names[0]].iter_rows(min_row=2, values_only=True)]
    assert "Not returned" in concerns  # b answered but never rated a back
    summary = " ".join(str(c.value) for c in book["Summary"]["A"] if c.value)
    # invited = the 2 that answered some wave; trust (1 + 1) / 2, value (0 + 1) / 2
    assert "2 of 2 organisations answered (100%)" in summary
    assert "Average trust 100%, average value 50%" in summary


def test_what_changed_pages_list_the_hand_worked_changes(tmp_path):
    # tests/analytics/time_fixture.py works out the history town's changes by hand; the
    # report covers 1 January three years back (2022-01-01) to its date, and nothing in the
    # town changes between 2022-01-01 and the fixture's FROM (2022-06-30).
    from tests.analytics.time_fixture import TO, history_town

    store = SQLiteStore(tmp_path / "t.db")
    history_town(store)
    book = openpyxl.load_workbook(
        io.BytesIO(workbook_bytes(build_pack(store, "t", as_of=TO, lang="en")))
    )
    sheet = book["What changed, last 3 years"]  # titles fit Excel's 31 characters
    assert [c.value for c in sheet[1]] == ["Change", "Who", "Through what"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    changes = sorted((r[0], r[1]) for r in rows)
    assert changes == sorted(
        [("New tie", "ארגון biz ↔ ארגון muni"), ("New tie", "ארגון biz ↔ ארגון ngo"),
         ("New tie", "ארגון biz ↔ ארגון res"), ("New tie", "ארגון muni ↔ ארגון res"),
         ("New tie", "ארגון ngo ↔ ארגון res"),
         ("Tie ended", "ארגון muni ↔ ארגון old"), ("Tie ended", "ארגון ngo ↔ ארגון old"),
         ("Joined the network", "ארגון biz"), ("Left the network", "ארגון old")]
    )  # fmt: skip
    # the ties of the forum f (the local administration) say so
    assert all("f" in str(r[2]) for r in rows if r[0] == "New tie")
    summary = " ".join(str(c.value) for c in book["Summary"]["A"] if c.value)
    assert "Changes from 2022-01-01 to 2025-06-30" in summary
    assert "5 ties added, 2 ended" in summary


def test_compass_pages_show_each_cell_and_the_met_shares(tmp_path):
    from graph.model import NodeRecord as N

    def rating(domain: str, outcome: str, year: int, status: str) -> N:
        props = {"locality_id": "l1", "domain": domain, "outcome": outcome, "year": year,
                 "status": status}  # fmt: skip
        return N("CompassRating", f"{domain}-{outcome}-{year}", props)

    store = SQLiteStore(tmp_path / "c.db")
    store.write(
        [
            N("Locality", "l1", {"name": "עיר"}),
            rating("early_childhood", "data_culture", 2022, "partly"),
            rating("early_childhood", "data_culture", 2024, "met"),
            rating("employment", "data_culture", 2022, "not_met"),
            rating("employment", "data_culture", 2024, "not_met"),
        ]
    )
    book = openpyxl.load_workbook(
        io.BytesIO(workbook_bytes(build_pack(store, "l1", as_of=dt.date(2025, 1, 1), lang="he")))
    )
    cells = list(book["מצפן תוצאות תשתית"].iter_rows(min_row=2, values_only=True))
    assert ("גיל רך", "מתקיים חלקית (2022)", "מתקיים (2024)", "השתפר") in [r[1:5] for r in cells]
    assert ("תעסוקה", "לא מתקיים (2022)", "לא מתקיים (2024)", "ללא שינוי") in [
        r[1:5] for r in cells
    ]
    shares = book["מצפן – שיעור המימוש לפי תוצאה"]  # a colon may not name a sheet
    assert [c.value for c in shares[1]][1:] == ["מתקיימת ב-2022", "מתקיימת ב-2024"]
    # met counts 1, partly ½, not met 0: 2022 (½ + 0) / 2 = 0.25, 2024 (1 + 0) / 2 = 0.5
    assert next(shares.iter_rows(min_row=2, values_only=True))[1:] == (0.25, 0.5)
