"""Every string the maps and the dashboard show, in Hebrew and English.

Hebrew is the default language; English is chosen with ``lang="en"``.
Enumerated values (sectors, domains, forum kinds, age stages, contexts,
isolate kinds) have their own tables so that a value from the data is shown
by its label, never raw, when a label exists.

Examples
--------
>>> pick_lang("EN"), pick_lang(None), pick_lang("fr")
('en', 'he', 'he')
>>> t("he", "legend")
'מקרא'
>>> label("en", "sector", "philanthropy")
'Philanthropy'
>>> label("he", "sector", "unknown-value")
'unknown-value'
>>> direction("he"), direction("en")
('rtl', 'ltr')
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "DEFAULT_LANG",
    "LABELS",
    "LANGS",
    "UI",
    "direction",
    "js_strings",
    "label",
    "pick_lang",
    "t",
]

LANGS: Final = ("he", "en")
DEFAULT_LANG: Final = "he"

#: Interface text. Keys are stable; every language has every key (a test checks).
UI: Final[dict[str, dict[str, str]]] = {
    "he": {
        "app_name": "מפת שותפויות",
        "map_title": "מפת הרשת: {name}",
        "dashboard_title": "לוח מחוונים: {name}",
        "localities_title": "יישובים",
        "localities_intro": "בחרו יישוב כדי לראות את מפת השותפויות ואת הממצאים.",
        "no_localities": "אין עדיין יישובים במאגר. ייבאו נתונים או הפעילו את ההדגמה.",
        "col_locality": "יישוב",
        "col_status": "סוג רשות",
        "col_cluster": "אשכול חברתי-כלכלי",
        "col_population": "אוכלוסייה",
        "open_dashboard": "לוח מחוונים",
        "open_map": "מפה",
        "legend": "מקרא",
        "legend_sectors": "מגזרים",
        "legend_shapes": "צורות",
        "shape_organization": "ארגון",
        "shape_forum": "פורום",
        "shape_program": "תכנית",
        "shape_role": "בעל/ת תפקיד",
        "search": "חיפוש שחקן",
        "search_placeholder": "שם בעברית, בערבית או באנגלית",
        "search_none": "לא נמצא שחקן בשם הזה",
        "search_found": "נמצאו {n}",
        "filters": "סינון",
        "filter_locality": "יישוב",
        "filter_domain": "תחום",
        "filter_sector": "מגזר",
        "filter_context": "הקשר",
        "all": "הכול",
        "highlight": "הדגשה",
        "toggle_duplicates": "התערבויות כפולות",
        "toggle_isolates": "שחקנים מבודדים",
        "toggle_bridges": "גשרים בין מגזרים",
        "toggle_structures": "הצגת פורומים ותכניות",
        "toggle_roles": "הצגת בעלי תפקידים",
        "size_by": "גודל לפי",
        "size_degree": "מספר קשרים",
        "size_bridge": "ציון גישור",
        "reset_view": "איפוס תצוגה",
        "layout_settling": "מסדר את המפה…",
        "tooltip_sector": "מגזר",
        "tooltip_kind": "סוג",
        "tooltip_ties": "קשרים",
        "tooltip_localities": "יישובים",
        "tooltip_national": "ארצי",
        "tooltip_duplicate": "התערבות כפולה",
        "tooltip_isolate": "שחקן מבודד",
        "tooltip_bridge": "גשר",
        "tooltip_evidence": "ראיות לקשר",
        "findings": "ממצאים",
        "duplicates": "התערבויות כפולות",
        "isolates": "שחקנים מבודדים",
        "bridges": "גשרים בין מגזרים",
        "leverage": "נקודות מינוף",
        "none_found": "לא נמצאו",
        "coordinated": "מתואמות",
        "not_coordinated": "לא מתואמות",
        "score": "ציון",
        "focus_hint": "לחיצה על ממצא ממקדת את המפה",
        "metrics": "מדדי הרשת",
        "metric_nodes": "שחקנים",
        "metric_ties": "קשרים",
        "metric_density": "צפיפות",
        "metric_components": "רכיבים",
        "metric_cross_sector": "שיעור קשרים בין-מגזריים",
        "investment": "השקעות",
        "investment_by_age": "השקעה לאורך הרצף 0–35",
        "investment_by_domain": "השקעה לפי תחום",
        "investment_by_funder": "השקעה לפי מממן",
        "no_investment": "אין נתוני השקעה",
        "currency": "₪",
        "export": "ייצוא",
        "export_map": "המפה כקובץ HTML עצמאי",
        "export_json": "הנתונים (JSON)",
        "export_csv": "הנתונים (CSV)",
        "export_graphml": "הרשת (GraphML)",
        "language": "שפה",
        "other_lang": "English",
        "back_to_list": "כל היישובים",
        "map_only": "המפה במסך מלא",
        "tabs": "לשוניות לוח הבקרה",
        "tab_network": "הרשת והממצאים",
        "report_xlsx": "דוח לישיבה (Excel)",
        "report_pdf": "דוח לישיבה (PDF)",
        "empty_map": "אין שחקנים להצגה ביישוב הזה.",
        "graph_version": "גרסת נתונים",
        "error_title": "שגיאה",
    },
    "en": {
        "app_name": "partnermap",
        "map_title": "Network map: {name}",
        "dashboard_title": "Dashboard: {name}",
        "localities_title": "Localities",
        "localities_intro": "Choose a locality to see its partnership map and findings.",
        "no_localities": "No localities in the store yet. Import data or run the demo.",
        "col_locality": "Locality",
        "col_status": "Authority type",
        "col_cluster": "Socio-economic cluster",
        "col_population": "Population",
        "open_dashboard": "Dashboard",
        "open_map": "Map",
        "legend": "Legend",
        "legend_sectors": "Sectors",
        "legend_shapes": "Shapes",
        "shape_organization": "Organisation",
        "shape_forum": "Forum",
        "shape_program": "Program",
        "shape_role": "Role",
        "search": "Find an actor",
        "search_placeholder": "Name in Hebrew, Arabic or English",
        "search_none": "No actor by that name",
        "search_found": "{n} found",
        "filters": "Filters",
        "filter_locality": "Locality",
        "filter_domain": "Domain",
        "filter_sector": "Sector",
        "filter_context": "Context",
        "all": "All",
        "highlight": "Highlight",
        "toggle_duplicates": "Duplicated interventions",
        "toggle_isolates": "Isolated actors",
        "toggle_bridges": "Cross-sector bridges",
        "toggle_structures": "Show forums and programs",
        "toggle_roles": "Show roles",
        "size_by": "Size by",
        "size_degree": "Number of ties",
        "size_bridge": "Bridge score",
        "reset_view": "Reset view",
        "layout_settling": "Arranging the map…",
        "tooltip_sector": "Sector",
        "tooltip_kind": "Kind",
        "tooltip_ties": "Ties",
        "tooltip_localities": "Localities",
        "tooltip_national": "national",
        "tooltip_duplicate": "Duplicated intervention",
        "tooltip_isolate": "Isolated actor",
        "tooltip_bridge": "Bridge",
        "tooltip_evidence": "Evidence for the tie",
        "findings": "Findings",
        "duplicates": "Duplicated interventions",
        "isolates": "Isolated actors",
        "bridges": "Cross-sector bridges",
        "leverage": "Leverage points",
        "none_found": "None found",
        "coordinated": "coordinated",
        "not_coordinated": "not coordinated",
        "score": "score",
        "focus_hint": "Click a finding to focus the map on it",
        "metrics": "Network metrics",
        "metric_nodes": "Actors",
        "metric_ties": "Ties",
        "metric_density": "Density",
        "metric_components": "Components",
        "metric_cross_sector": "Cross-sector tie share",
        "investment": "Investment",
        "investment_by_age": "Investment along the 0–35 continuum",
        "investment_by_domain": "Investment by domain",
        "investment_by_funder": "Investment by funder",
        "no_investment": "No investment data",
        "currency": "ILS",
        "export": "Export",
        "export_map": "Map as a self-contained HTML file",
        "export_json": "Data (JSON)",
        "export_csv": "Data (CSV)",
        "export_graphml": "Network (GraphML)",
        "language": "Language",
        "other_lang": "עברית",
        "back_to_list": "All localities",
        "map_only": "Full-screen map",
        "tabs": "Dashboard tabs",
        "tab_network": "Network and findings",
        "report_xlsx": "Meeting report (Excel)",
        "report_pdf": "Meeting report (PDF)",
        "empty_map": "No actors to show in this locality.",
        "graph_version": "Data version",
        "error_title": "Error",
    },
}

#: Labels of enumerated values, by kind of value.
LABELS: Final[dict[str, dict[str, dict[str, str]]]] = {
    "sector": {
        "he": {
            "local_authority": "רשות מקומית",
            "government": "ממשלה",
            "nonprofit": "מגזר שלישי",
            "philanthropy": "פילנתרופיה",
            "business": "עסקים",
            "academia": "אקדמיה",
            "community": "קהילה ותושבים",
            "other": "אחר",
        },
        "en": {
            "local_authority": "Local authority",
            "government": "Government",
            "nonprofit": "Nonprofit",
            "philanthropy": "Philanthropy",
            "business": "Business",
            "academia": "Academia",
            "community": "Community",
            "other": "Other",
        },
    },
    "domain": {
        "he": {
            "early_childhood": "גיל רך",
            "formal_education": "חינוך פורמלי",
            "informal_education": "חינוך בלתי פורמלי",
            "meaningful_service": "שירות משמעותי",
            "higher_education": "השכלה גבוהה",
            "employment": "תעסוקה",
            "stem21": "מדע וכישורי המאה ה-21",
            "welfare": "רווחה",
            "health": "בריאות",
            "community": "קהילה",
            "emergency": "חירום",
            "other": "אחר",
        },
        "en": {
            "early_childhood": "Early childhood",
            "formal_education": "Formal education",
            "informal_education": "Informal education",
            "meaningful_service": "Meaningful service",
            "higher_education": "Higher education",
            "employment": "Employment",
            "stem21": "STEM and 21st-century skills",
            "welfare": "Welfare",
            "health": "Health",
            "community": "Community",
            "emergency": "Emergency",
            "other": "Other",
        },
    },
    "context": {
        "he": {"routine": "שגרה", "emergency": "חירום", "both": "שגרה וחירום"},
        "en": {"routine": "Routine", "emergency": "Emergency", "both": "Routine and emergency"},
    },
    "age_stage": {
        "he": {
            "early_childhood": "גיל רך 0–5",
            "school": "גיל בית ספר 6–17",
            "service": "שירות 18–21",
            "young_adults": "צעירים 22–35",
            "other_ages": "מעל 35",
            "unspecified": "גיל לא צוין",
        },
        "en": {
            "early_childhood": "Early childhood 0–5",
            "school": "School 6–17",
            "service": "Service 18–21",
            "young_adults": "Young adults 22–35",
            "other_ages": "Over 35",
            "unspecified": "Age not given",
        },
    },
    "isolate_kind": {
        "he": {
            "isolate": "ללא קשרים",
            "disconnected": "מנותק מהרשת המרכזית",
            "no_forum": "לא חבר באף פורום",
            "sector_siloed": "קשור רק למגזר שלו",
            "single_tie": "קשר יחיד",
        },
        "en": {
            "isolate": "no ties",
            "disconnected": "cut off from the main network",
            "no_forum": "in no forum",
            "sector_siloed": "tied only to its own sector",
            "single_tie": "a single tie",
        },
    },
    "node_kind": {
        "he": {
            "Organization": "ארגון",
            "Forum": "פורום",
            "Program": "תכנית",
            "Role": "בעל/ת תפקיד",
        },
        "en": {
            "Organization": "Organisation",
            "Forum": "Forum",
            "Program": "Program",
            "Role": "Role",
        },
    },
    "role_kind": {
        "he": {
            "head_of_authority": "ראש הרשות",
            "authority_ceo": 'מנכ"ל הרשות',
            "treasurer": "גזבר",
            "department_head": "מנהל/ת אגף",
            "partnerships_manager": "מנהל/ת שותפויות",
            "local_initiative_manager": "מנהלת יישובית",
            "domain_lead": "מוביל/ת תחום",
            "knowledge_manager": "מנהל/ת ידע",
            "resource_mobilisation": "מיצוי משאבים",
            "volunteer_coordinator": "רכז/ת מתנדבים",
            "resilience_coordinator": "רכז/ת חוסן",
            "foundation_officer": "נציג/ת קרן",
            "ministry_supervisor": "מפקח/ת משרד",
            "director": "מנהל/ת",
            "chair": 'יו"ר',
            "coordinator": "רכז/ת",
            "other": "אחר",
        },
        "en": {
            "head_of_authority": "Head of authority",
            "authority_ceo": "Authority CEO",
            "treasurer": "Treasurer",
            "department_head": "Department head",
            "partnerships_manager": "Partnerships manager",
            "local_initiative_manager": "Local initiative manager",
            "domain_lead": "Domain lead",
            "knowledge_manager": "Knowledge manager",
            "resource_mobilisation": "Resource mobilisation",
            "volunteer_coordinator": "Volunteer coordinator",
            "resilience_coordinator": "Resilience coordinator",
            "foundation_officer": "Foundation officer",
            "ministry_supervisor": "Ministry supervisor",
            "director": "Director",
            "chair": "Chair",
            "coordinator": "Coordinator",
            "other": "Other",
        },
    },
    "leverage_kind": {
        "he": {
            "actor": "שחקן",
            "forum": "פורום",
            "program": "תכנית",
            "goal": "יעד",
            "locality_domain": "תחום ביישוב",
        },
        "en": {
            "actor": "Actor",
            "forum": "Forum",
            "program": "Program",
            "goal": "Goal",
            "locality_domain": "Locality domain",
        },
    },
    "municipal_status": {
        "he": {
            "city": "עירייה",
            "local_council": "מועצה מקומית",
            "regional_council": "מועצה אזורית",
        },
        "en": {
            "city": "City",
            "local_council": "Local council",
            "regional_council": "Regional council",
        },
    },
}


def pick_lang(lang: str | None) -> str:
    """The supported language code for ``lang``; Hebrew when unknown or missing."""
    code = (lang or "").strip().lower()[:2]
    return code if code in LANGS else DEFAULT_LANG


def direction(lang: str) -> str:
    """``rtl`` for Hebrew, ``ltr`` for English."""
    return "rtl" if pick_lang(lang) == "he" else "ltr"


def t(lang: str, key: str, **values: object) -> str:
    """The interface string ``key`` in ``lang``, formatted with ``values``.

    A missing key raises ``KeyError``: a typo should fail the tests, not show
    a blank to a user.
    """
    text = UI[pick_lang(lang)][key]
    return text.format(**values) if values else text


def label(lang: str, kind: str, value: str | None) -> str:
    """The label of an enumerated value, or the value itself when it has none."""
    if value is None:
        return ""
    return LABELS.get(kind, {}).get(pick_lang(lang), {}).get(str(value), str(value))


def js_strings(lang: str) -> dict[str, object]:
    """The strings and value labels the map's script needs, for embedding as JSON."""
    code = pick_lang(lang)
    return {"ui": dict(UI[code]), "labels": {kind: dict(v[code]) for kind, v in LABELS.items()}}
