"""``GET /glossary``: every measure and finding in plain words (HTML, he/en/ar)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import ViewerDep
from api.routes.maps import LangParam, _lang_links, _url
from viz.glossary import render_glossary

router = APIRouter(tags=["maps"])


@router.get(
    "/glossary",
    response_class=HTMLResponse,
    summary="The glossary: what each measure and finding means, in plain words",
    name="glossary",
)
def glossary(request: Request, _who: ViewerDep, lang: LangParam = "he") -> HTMLResponse:
    links = {
        "index": _url(request, "dashboard_index", {"lang": lang}),
        **_lang_links(request, "glossary", lang, {}),
    }
    return HTMLResponse(render_glossary(lang, links))
