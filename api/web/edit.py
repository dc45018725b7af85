"""The workbench's editing pages: ``/web``, ``/web/{resource}`` and each item's form.

``GET /web/{resource}`` lists (and searches by name, any script);
``/web/{resource}/new`` and ``/web/{resource}/item?id=`` (relationships:
``?source=&target=``) show the form, and a POST to the same address writes
it; ``POST /web/{resource}/delete`` deletes. Forms are made from the models
(:mod:`api.web.forms`), the writes are those of :mod:`api.web.changes`.
A node's page lists its relationships (a forum's members, a program's
partners, an organisation's partnerships) with a form to add one.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from api.access import PERSONAL_FIELDS, Access
from api.auth import KeyStore
from api.web.changes import ChangeLog, Writer, state_of, version_of
from api.web.forms import Resource, display, fields_of, form_data, form_errors, resources
from api.web.pages import FormDep, UserDep, WebUser, current_lang, redirect, render
from api.web.text import resource_label, t
from graph.errors import Conflict, NotFound, PartnermapError
from graph.model import RelRecord
from graph.store.base import GraphStore
from importers.pipeline import REFERENCES

__all__ = ["router", "writer"]

router = APIRouter(prefix="/web", include_in_schema=False)

_PAGE = 50


def _store(request: Request) -> GraphStore:
    store: GraphStore = request.app.state.store
    return store


def writer(request: Request, user: WebUser) -> Writer:
    """The user's writer on the app's store, lock, change log and audit trail."""
    keys: KeyStore = request.app.state.keys
    log: ChangeLog = request.app.state.changes
    lock = request.app.state.write_lock
    return Writer(_store(request), lock, log, keys, user.principal, access_of(request, user))


def access_of(request: Request, user: WebUser) -> Access:
    """What the session's key may see and change (as :func:`api.deps.get_access` decides)."""
    principal = user.principal
    return Access(principal.localities, principal.sees_personal_data, request=request)


def _resource(path: str) -> Resource:
    found = resources().get(path)
    if found is None:
        raise NotFound(f"no resource {path!r}")
    return found


def _item_url(resource: Resource, item: tuple[str, ...]) -> str:
    if resource.ends is None:
        return f"/web/{resource.path}/item?" + urlencode({"id": item[0]})
    return f"/web/{resource.path}/item?" + urlencode({"source": item[0], "target": item[1]})


def _item_of(resource: Resource, request: Request, form: Any = None) -> tuple[str, ...]:
    source = form if form is not None else request.query_params
    if resource.ends is None:
        return (str(source.get("id") or ""),)
    return (str(source.get("source") or ""), str(source.get("target") or ""))


def _names(store: GraphStore, ids: set[str]) -> dict[str, str]:
    found = store.get_many({i for i in ids if i})
    return {i: n.name for i, n in found.items()}


def _ref_ids(resource: Resource, values: dict[str, str]) -> set[str]:
    out: set[str] = set()
    for spec in fields_of(resource):
        if spec.widget in ("ref", "refs") and spec.search_paths:
            out.update(v for v in values.get(spec.name, "").split(";") if v)
    return out


def _related(
    store: GraphStore, access: Access, resource: Resource, node_id: str
) -> list[dict[str, Any]]:
    """For a node: each relationship resource it can be an end of, with its rows here (those
    whose other end the key may see)."""
    groups: list[dict[str, Any]] = []
    for edge in resources().values():
        if edge.ends is None:
            continue
        for end, end_field in (("source", edge.ends[0]), ("target", edge.ends[1])):
            if resource.label not in REFERENCES.get((edge.label, end), ()):
                continue
            rels = access.visible_relationships(
                store,
                (
                    r
                    for r in store.relationships(node_id, types=[edge.label])
                    if r.owner is None and (r.source if end == "source" else r.target) == node_id
                ),
            )
            rels.sort(key=lambda r: r.key)
            others = _names(store, {r.target if end == "source" else r.source for r in rels})
            rows = []
            for r in rels:
                other = r.target if end == "source" else r.source
                rows.append(
                    {
                        "other": other,
                        "name": others.get(other, other),
                        "props": r.props,
                        "url": _item_url(edge, (r.source, r.target)),
                        "source": r.source,
                        "target": r.target,
                    }
                )
            other_field = edge.ends[1] if end == "source" else edge.ends[0]
            add_fields = [f for f in fields_of(edge) if f.name != end_field]
            groups.append(
                {
                    "resource": edge,
                    "fixed": end_field,
                    "other_field": other_field,
                    "rows": rows,
                    "fields": add_fields,
                }
            )
    return groups


def _form_page(
    request: Request,
    user: WebUser,
    resource: Resource,
    *,
    item: tuple[str, ...] | None,
    values: dict[str, str],
    errors: dict[str, list[str]] | None = None,
    status_code: int = 200,
    notice: str | None = None,
    back: str = "",
    version: str = "",
    hidden: tuple[str, ...] = (),
) -> HTMLResponse:
    store = _store(request)
    lang = current_lang(request)
    names = _names(store, _ref_ids(resource, values))
    related = (
        _related(store, access_of(request, user), resource, item[0])
        if item is not None and resource.ends is None
        else []
    )
    title = t(lang, "new") if item is None else " → ".join(names.get(i, i) for i in item)
    if item is not None and resource.ends is None:
        title = values.get("name") or values.get("title") or item[0]
    return render(
        request,
        "web/form.html",
        title=title,
        user=user,
        resource=resource,
        fields=fields_of(resource),
        values=values,
        names=names,
        item=item,
        errors=errors or {},
        related=related,
        notice=notice,
        back=back,
        version=version,
        hidden=hidden,
        action=(f"/web/{resource.path}/new" if item is None else _item_url(resource, item)),
        status_code=status_code,
    )


def _edge_page(store: GraphStore, resource: Resource, query: str) -> tuple[list[Any], int]:
    """One page of a relationship resource and how many match: all of them, or those with an
    end whose name matches ``query`` (found by the store's name search, then their ties)."""
    if not query:
        rels = sorted(r.key for r in store.iter_relationships(resource.label) if r.owner is None)
        keys = rels[:_PAGE]
        found = [store.get_relationship(k) for k in keys]
        return [r for r in found if r is not None], len(rels)
    labels = {
        label for end in ("source", "target") for label in REFERENCES.get((resource.label, end), ())
    }
    ids = [n.id for label in sorted(labels) for n in store.find(label, text=query, limit=500)]
    touching = store.relationships_of(ids, types=[resource.label]) if ids else {}
    unique = {r.key: r for rels in touching.values() for r in rels if r.owner is None}
    picked = [unique[k] for k in sorted(unique)]
    return picked[:_PAGE], len(picked)


@router.get("", response_class=HTMLResponse)
def home(request: Request, user: UserDep) -> HTMLResponse:
    store = _store(request)
    counts = store.counts()
    cards = []
    for res in resources().values():
        if res.ends is None:
            count = counts.nodes.get(res.label, 0)
        else:  # explicit relationship types: no node's reference field implies one
            count = counts.relationships.get(res.label, 0)
        cards.append({"resource": res, "count": count})
    return render(request, "web/home.html", title_key="workbench", user=user, cards=cards)


@router.get("/{path}", response_class=HTMLResponse)
def list_items(request: Request, path: str, user: UserDep, q: str = "") -> HTMLResponse:
    resource = _resource(path)
    store = _store(request)
    query = q.strip()[:200]
    rows: list[dict[str, Any]] = []
    if resource.ends is None:
        access = access_of(request, user)
        if access.scoped:  # what the key sees, counted as it sees it
            seen = access.visible(store, store.find(resource.label, text=query or None))
            found, count = seen[:_PAGE], len(seen)
        else:
            found = store.find(resource.label, text=query or None, limit=_PAGE)
            count = store.count(resource.label, text=query or None)
        for node in found:
            rows.append(
                {
                    "name": node.name,
                    "id": node.id,
                    "url": _item_url(resource, (node.id,)),
                }
            )
    else:
        rels, count = _edge_page(store, resource, query)
        names = _names(store, {e for r in rels for e in (r.source, r.target)})
        for r in rels:
            label = f"{names.get(r.source, r.source)} → {names.get(r.target, r.target)}"
            url = _item_url(resource, (r.source, r.target))
            rows.append({"name": label, "id": f"{r.source} → {r.target}", "url": url})
    return render(
        request,
        "web/list.html",
        title=resource_label(current_lang(request), resource.path),
        user=user,
        resource=resource,
        rows=rows,
        count=count,
        q=query,
    )


@router.get("/{path}/new", response_class=HTMLResponse)
def new_form(request: Request, path: str, user: UserDep) -> HTMLResponse:
    resource = _resource(path)
    values = {spec.name: request.query_params.get(spec.name, "") for spec in fields_of(resource)}
    back = request.query_params.get("back", "")
    personal = access_of(request, user).personal_data
    hidden = () if personal else PERSONAL_FIELDS.get(resource.label, ())
    return _form_page(request, user, resource, item=None, values=values, back=back, hidden=hidden)


def _back(form: Any, default: str) -> str:
    back = str(form.get("back") or "")
    return back if back.startswith("/web/") and not back.startswith("//") else default


def _refuse_viewer(
    request: Request, user: WebUser, resource: Resource, method: str, item: tuple[str, ...]
) -> HTMLResponse | None:
    if user.can_edit:
        return None
    writer(request, user).refused(method, resource, item, 403)
    return render(
        request,
        "web/message.html",
        user=user,
        message=t(current_lang(request), "forbidden", role=user.principal.role.value),
        status_code=403,
    )


@router.post("/{path}/new", response_class=HTMLResponse)
async def create(request: Request, path: str, form: FormDep) -> Response:
    user, data = form
    resource = _resource(path)
    values = form_data(resource, data)
    item = resource.key_of(values)
    refused = _refuse_viewer(request, user, resource, "POST", item)
    if refused is not None:
        return refused
    try:
        await run_in_threadpool(writer(request, user).create, resource, values)
    except (ValidationError, Conflict, PartnermapError) as exc:
        status = 422 if isinstance(exc, ValidationError) else getattr(exc, "status_code", 400)
        shown = {k: v or "" for k, v in values.items()}
        return _form_page(
            request,
            user,
            resource,
            item=None,
            values=shown,
            errors=form_errors(resource, exc),
            status_code=status,
            back=_back(data, ""),
        )
    return redirect(_back(data, _item_url(resource, item) + "&saved=1"))


@router.get("/{path}/item", response_class=HTMLResponse)
def item_form(request: Request, path: str, user: UserDep) -> HTMLResponse:
    resource = _resource(path)
    item = _item_of(resource, request)
    store = _store(request)
    access = access_of(request, user)
    state = state_of(store, resource, item)
    hidden: tuple[str, ...] = ()
    if state is not None and resource.ends is None:
        node = store.get(item[0])
        if node is None or not access.visible(store, [node]):
            state = None
        else:
            hidden = () if access.personal_data else PERSONAL_FIELDS.get(resource.label, ())
            shown = access.public(node)  # notes a read of personal data, for the audit trail
            state = {"props": dict(shown.props)}
    elif state is not None and not access.visible_relationships(
        store, [RelRecord(resource.label, item[0], item[1])]
    ):
        state = None
    if state is None:
        return render(
            request,
            "web/message.html",
            user=user,
            message=t(current_lang(request), "not_found"),
            status_code=404,
        )
    values = {name: display(v) for name, v in state["props"].items()}
    values.update({"id": item[0]} if resource.ends is None else {})
    if resource.ends is not None:
        values.update({resource.ends[0]: item[0], resource.ends[1]: item[1]})
    notice = None
    if request.query_params.get("saved"):
        notice = t(current_lang(request), "saved")
    page = _form_page(
        request,
        user,
        resource,
        item=item,
        values=values,
        notice=notice,
        version=version_of(state),
        hidden=hidden,
    )
    personal = getattr(request.state, "personal_read", None)
    if personal:  # as the API's audit trail records a read of personal data
        keys: KeyStore = request.app.state.keys
        keys.record(user.principal, "GET", request.url.path, sorted(set(personal)), 200)
    return page


@router.post("/{path}/item", response_class=HTMLResponse)
async def update(request: Request, path: str, form: FormDep) -> Response:
    user, data = form
    resource = _resource(path)
    item = _item_of(resource, request)
    refused = _refuse_viewer(request, user, resource, "PATCH", item)
    if refused is not None:
        return refused
    values = form_data(resource, data)
    for name, value in zip(resource.ends or ("id",), item, strict=True):
        values[name] = value
    try:
        version = str(data.get("version") or "")
        await run_in_threadpool(writer(request, user).update, resource, item, values, version)
    except (ValidationError, PartnermapError) as exc:
        status = 422 if isinstance(exc, ValidationError) else getattr(exc, "status_code", 400)
        shown = {k: v or "" for k, v in values.items()}
        return _form_page(
            request,
            user,
            resource,
            item=item,
            values=shown,
            errors=form_errors(resource, exc),
            status_code=status,
            version=version,
        )
    return redirect(_item_url(resource, item) + "&saved=1")


@router.post("/{path}/delete", response_class=HTMLResponse)
async def delete(request: Request, path: str, form: FormDep) -> Response:
    user, data = form
    resource = _resource(path)
    item = _item_of(resource, request, data)
    refused = _refuse_viewer(request, user, resource, "DELETE", item)
    if refused is not None:
        return refused
    try:
        version = str(data.get("version") or "")
        await run_in_threadpool(writer(request, user).delete, resource, item, version)
    except PartnermapError as exc:
        return render(
            request, "web/message.html", user=user, message=exc.message, status_code=exc.status_code
        )
    return redirect(_back(data, f"/web/{resource.path}"))
