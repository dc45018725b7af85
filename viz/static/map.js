/* partnermap map: draws the network from the JSON block #pm-data with vis-network.
 * Every text from the data is shown with textContent or drawn on the canvas: never as HTML. */
(function () {
  "use strict";
  var t0 = performance.now();
  var data = JSON.parse(document.getElementById("pm-data").textContent);
  var S = data.strings.ui;
  var colours = data.colours;
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var anyBridge = data.nodes.some(function (n) { return n.flags.bridge; });
  var big = data.nodes.length > 600;
  /* a city-sized map keeps the server's layout as it is: polishing 2,000 nodes in the
     browser took seconds (bench/bench_map.py), the server's igraph layout is already readable */
  var huge = data.nodes.length > 1500;
  var state = {
    highlight: { duplicate: true, isolate: true, bridge: true },
    structures: false,
    roles: false,
    sizeBy: anyBridge ? "bridge" : "degree",
    filters: { locality: "", domain: "", sector: "", context: data.meta.context === "both" ? "" : data.meta.context },
    forced: {}
  };
  var api = window.pmMap = {
    data: data, settled: false, settleMs: null, iterations: null, lastFocus: null,
    focusOn: focusOn, search: search, normalize: norm,
    /* An overlay (readiness.js) may give a node a longer label (a second line) and more
     * importance; declutter places what these return. */
    labelOf: function (n) { return n.label; },
    importanceOf: function () { return 0; }
  };

  // -- text helpers ----------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  var MARKS = /[\u0591-\u05C7\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]/g;
  var QUOTES = /["'`\u05F3\u05F4\u2018\u2019\u201C\u201D]/g;
  var SEPS = /[\s\-\u05BE_\/\\.,:;()\[\]]+/g;
  var VARIANTS = { "\u05E7\u05E8\u05D9\u05D9\u05EA": "\u05E7\u05E8\u05D9\u05EA", "\u05E2\u05D9\u05E8\u05D9\u05D9\u05EA": "\u05E2\u05D9\u05E8\u05D9\u05EA" };
  /* The same folding as graph.text.normalize: niqqud, harakat, quotes, hyphens, case. */
  function norm(text) {
    if (!text) { return ""; }
    var v = String(text).normalize("NFKC").replace(MARKS, "").replace(QUOTES, "").replace(SEPS, " ").trim().toLowerCase();
    return v.split(" ").map(function (w) { return VARIANTS[w] || w; }).join(" ");
  }
  function lbl(kind, value) {
    var table = data.strings.labels[kind] || {};
    return table[value] || value;
  }

  // -- tooltips (DOM elements: vis-network would render a string as HTML) ------
  function nodeTip(n) {
    var d = el("div", "pm-tip");
    d.appendChild(el("strong", null, n.name));
    if (n.type !== "Organization") { d.appendChild(el("div", "pm-tip-row", lbl("node_kind", n.type))); }
    if (n.sector_label) { d.appendChild(el("div", "pm-tip-row", S.tooltip_sector + ": " + n.sector_label)); }
    if (n.kind) {
      /* forums and roles carry a code of the model: show its label in the page's language */
      var kindText = n.type === "Forum" ? lbl("forum_kind", n.kind) : n.kind;
      d.appendChild(el("div", "pm-tip-row", S.tooltip_kind + ": " + kindText));
    }
    if (n.type === "Organization") {
      d.appendChild(el("div", "pm-tip-row", S.tooltip_ties + ": " + n.degree));
      var locs = n.locality_ids.map(function (id) { return localityName[id] || id; });
      d.appendChild(el("div", "pm-tip-row", S.tooltip_localities + ": " + (locs.length ? locs.join(", ") : S.tooltip_national)));
    }
    [["duplicate", S.tooltip_duplicate], ["isolate", S.tooltip_isolate], ["bridge", S.tooltip_bridge]].forEach(function (pair) {
      var reasons = (n.reasons || {})[pair[0]];
      if (!reasons || !reasons.length) { return; }
      d.appendChild(el("h4", null, pair[1]));
      var ul = el("ul");
      reasons.forEach(function (r) { ul.appendChild(el("li", null, r)); });
      d.appendChild(ul);
    });
    return d;
  }
  function edgeTip(e) {
    if (!e.evidence.length) { return undefined; }
    var d = el("div", "pm-tip");
    d.appendChild(el("strong", null, (byId[e.from] || {}).name + " – " + (byId[e.to] || {}).name));
    d.appendChild(el("h4", null, S.tooltip_evidence));
    var ul = el("ul");
    e.evidence.forEach(function (x) { ul.appendChild(el("li", null, x)); });
    d.appendChild(ul);
    return d;
  }

  var localityName = {};
  data.filters.localities.forEach(function (p) { localityName[p[0]] = p[1]; });

  // -- visibility and style ---------------------------------------------------
  function ctxAllows(list, c) {
    return !c || list.some(function (x) { return x === c || x === "both"; });
  }
  function nodeVisible(n) {
    if (state.forced[n.id]) { return true; }
    var f = state.filters;
    if (n.type === "Role") {
      if (!state.roles) { return false; }
    } else if (n.type !== "Organization" && !state.structures) { return false; }
    if (f.sector && n.sector && n.sector !== f.sector) { return false; }
    if (f.locality && n.locality_ids.length && n.locality_ids.indexOf(f.locality) < 0) { return false; }
    if (f.domain && n.domains.indexOf(f.domain) < 0) { return false; }
    if (f.context && n.type !== "Organization" && !ctxAllows(n.contexts, f.context)) { return false; }
    return true;
  }
  function activeFlag(n) {
    var order = ["bridge", "duplicate", "isolate"];
    for (var i = 0; i < order.length; i++) {
      if (n.flags[order[i]] && state.highlight[order[i]]) { return order[i]; }
    }
    return null;
  }
  function nodeStyle(n) {
    var flag = activeFlag(n);
    var fill = n.type === "Organization" ? (colours.sectors[n.sector] || "#999999") : "#ffffff";
    var border = flag ? colours.highlights[flag] : "#4a5568";
    var size = n.type === "Organization" ? (state.sizeBy === "bridge" && anyBridge ? n.size_bridge : n.size_degree) : n.size_degree;
    return {
      id: n.id,
      hidden: !nodeVisible(n),
      size: size,
      borderWidth: flag ? Math.max(3, Math.round(size / 5)) : 1,
      color: { background: fill, border: border,
               highlight: { background: fill, border: "#000000" }, hover: { background: fill, border: "#000000" } },
      font: { size: labelFont(n, size) }
    };
  }
  // -- labels: by importance and zoom, never on top of each other -------------------
  /* A label keeps about the same size on screen whatever the zoom (its size in canvas
   * units is divided by the scale), so zooming in makes room and shows more labels.
   * After the layout settles, and after each zoom, drag or filter, labels are placed in
   * order of importance (focused, bridges, duplicates, then by size) and a label whose
   * box would overlap a label already placed (or, for the others, another node's dot) is
   * left out; the node's
   * name stays in its tooltip and in search. */
  var labelScale = 1;
  var labelsReady = false;
  var LABEL_PX = 13;
  function labelFont(n, size) {
    var boost = n.flags.bridge ? 3 : (n.flags.duplicate ? 1 : 0);
    if (!labelsReady) { return 14 + Math.round(size / 3); }
    return Math.max(4, (LABEL_PX + boost) / labelScale);
  }
  function importance(n) {
    var size = state.sizeBy === "bridge" && anyBridge ? n.size_bridge : n.size_degree;
    return api.importanceOf(n) + (state.forced[n.id] ? 1000 : 0) + (n.flags.bridge ? 100 : 0) +
           (n.flags.duplicate ? 50 : 0) + (n.type === "Organization" ? 10 : 0) + size + n.degree / 100;
  }
  var measure = document.createElement("canvas").getContext("2d");
  function textWidth(text, px) {
    measure.font = px + "px Arial, 'Noto Sans Hebrew', 'Noto Sans Arabic', sans-serif";
    return measure.measureText(text).width;
  }
  function overlaps(a, b) {
    return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  }
  /* The legend's rectangle in the network's coordinates (null when folded away or absent):
   * no label is placed under it, and the first view leaves room beside it. */
  function legendBox() {
    var box = document.getElementById("pm-legend");
    if (!box) { return null; }
    var lr = box.getBoundingClientRect(), cr = container.getBoundingClientRect();
    if (!lr.width || !lr.height) { return null; }
    var a = network.DOMtoCanvas({ x: lr.left - cr.left, y: lr.top - cr.top });
    var b = network.DOMtoCanvas({ x: lr.right - cr.left, y: lr.bottom - cr.top });
    return { id: "legend", x1: a.x, y1: a.y, x2: b.x, y2: b.y };
  }
  api.legendBox = legendBox;
  function clearLegend() {
    var lb = legendBox();
    if (!lb) { return; }
    var pos = network.getPositions();
    var under = data.nodes.some(function (n) {
      var p = pos[n.id];
      return p && nodeVisible(n) && p.x > lb.x1 && p.x < lb.x2 && p.y > lb.y1 && p.y < lb.y2;
    });
    if (!under) { return; }
    var lr = document.getElementById("pm-legend").getBoundingClientRect();
    var cr = container.getBoundingClientRect();
    var room = cr.width - lr.width - 16;
    if (room < cr.width * 0.5) { return; }  /* a narrow pane: the legend can be folded instead */
    var scale = network.getScale() * room / cr.width;
    var view = network.getViewPosition();
    var onLeft = (lr.left + lr.right) / 2 < (cr.left + cr.right) / 2;  /* right to left pages */
    var dx = (lr.width + 16) / 2 / scale;
    network.moveTo({ position: { x: view.x + (onLeft ? -dx : dx), y: view.y }, scale: scale,
                     animation: false });
  }
  function declutter() {
    if (!labelsReady) { return; }
    labelScale = network.getScale() || 1;
    var pos = network.getPositions();
    var pad = 2 / labelScale;
    var shown = data.nodes.filter(function (n) { return nodeVisible(n) && pos[n.id]; });
    var dots = shown.map(function (n) {
      var p = pos[n.id], r = nodes.get(n.id).size || 10;
      return { id: n.id, x1: p.x - r, x2: p.x + r, y1: p.y - r, y2: p.y + r };
    });
    shown.sort(function (a, b) { return importance(b) - importance(a) || (a.id < b.id ? -1 : 1); });
    var placed = [], updates = [], boxes = [];
    var lb = legendBox();
    if (lb) { placed.push(lb); }  /* a label under the legend stays in its tooltip */
    shown.forEach(function (n) {
      var p = pos[n.id], r = nodes.get(n.id).size || 10;
      var px = labelFont(n, r);
      var text = api.labelOf(n), lines = text.split("\n");
      var w = Math.max.apply(null, lines.map(function (l) { return textWidth(l, px); }));
      var h = px * 1.25 * lines.length;
      var box = { id: n.id, x1: p.x - w / 2 - pad, x2: p.x + w / 2 + pad, y1: p.y + r, y2: p.y + r + h + pad };
      /* bridges and duplicates may cover another node's dot, never another label */
      var flagged = n.flags.bridge || n.flags.duplicate;
      var free = state.forced[n.id] || (!placed.some(function (b) { return overlaps(b, box); }) &&
        (flagged || !dots.some(function (d) { return d.id !== n.id && overlaps(d, box); })));
      if (free) { placed.push(box); boxes.push(box); }
      updates.push({ id: n.id, label: free ? text : "", font: { size: px } });
    });
    nodes.update(updates);
    api.labels = { shown: placed.length, of: shown.length, boxes: boxes, scale: labelScale };
  }
  var zoomTimer = null;
  function declutterSoon() {
    clearTimeout(zoomTimer);
    zoomTimer = setTimeout(declutter, 60);
  }
  api.declutter = declutter;

  function initialNode(n) {
    var s = nodeStyle(n);
    s.label = n.label;
    s.shape = data.shapes[n.type] || "dot";
    s.title = nodeTip(n);
    s.x = n.x; s.y = n.y;
    return s;
  }
  var edgeList = data.edges.map(function (e, i) {
    return {
      id: "e" + i, from: e.from, to: e.to,
      width: e.structural ? 1 : Math.min(1 + Math.log(1 + e.weight), 6),
      dashes: e.structural || !!e.dashed, title: edgeTip(e), hidden: false,
      color: e.colour ? { color: e.colour, highlight: e.colour, hover: e.colour } : undefined
    };
  });
  function edgeHidden(e, visible) {
    return !(visible[e.from] && visible[e.to] && ctxAllows(e.contexts, state.filters.context));
  }

  var nodes = new vis.DataSet(data.nodes.map(initialNode));
  var visibleNow = {};
  data.nodes.forEach(function (n) { visibleNow[n.id] = nodeVisible(n); });
  data.edges.forEach(function (e, i) { edgeList[i].hidden = edgeHidden(e, visibleNow); });
  var edges = new vis.DataSet(edgeList);
  api.nodes = nodes; api.edges = edges;

  function applyAll() {
    var visible = {};
    nodes.update(data.nodes.map(function (n) {
      var s = nodeStyle(n); visible[n.id] = !s.hidden; return s;
    }));
    edges.update(data.edges.map(function (e, i) { return { id: "e" + i, hidden: edgeHidden(e, visible) }; }));
    declutter();
  }

  // -- the network --------------------------------------------------------------
  var container = document.getElementById("pm-network");
  var options = {
    autoResize: true,
    layout: { improvedLayout: false, randomSeed: 7 },
    physics: {
      enabled: !huge,
      solver: "barnesHut",
      /* small maps get room for their labels; big ones stay compact enough to read as a whole */
      barnesHut: { gravitationalConstant: big ? -4000 : -9000, centralGravity: 0.15,
                   springLength: big ? 110 : 180, springConstant: 0.03, damping: 0.6,
                   avoidOverlap: big ? 0 : 0.6 },
      maxVelocity: 30, minVelocity: 1.0, timestep: 0.5,
      /* the server already laid the nodes out: the browser only polishes */
      stabilization: { enabled: true, iterations: data.nodes.length > 1500 ? 25 : (big ? 40 : 200),
                       updateInterval: 10, fit: true }
    },
    interaction: { hover: true, tooltipDelay: 120, hideEdgesOnDrag: big, hideEdgesOnZoom: big,
                   multiselect: true, navigationButtons: false, keyboard: false },
    nodes: {
      shape: "dot",
      font: { face: "Arial, 'Noto Sans Hebrew', 'Noto Sans Arabic', 'DejaVu Sans', sans-serif",
              color: "#1a202c", strokeWidth: 4, strokeColor: "#ffffff" },
      scaling: { label: { enabled: false, drawThreshold: 9 } }
    },
    edges: {
      smooth: false,
      color: { color: "#a0aec0", highlight: "#1e3a5f", hover: "#2d3748", opacity: 0.7 },
      selectionWidth: 2
    }
  };
  if (!data.nodes.length) { document.getElementById("pm-empty").hidden = false; }
  api.timings = { data: Math.round(performance.now() - t0) };
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  api.network = network;
  api.timings.network = Math.round(performance.now() - t0);
  network.once("startStabilizing", function () { api.timings.stabilizing = Math.round(performance.now() - t0); });

  function settled(params) {
    if (api.settled) { return; }
    network.setOptions({ physics: false });
    api.settled = true;
    api.settleMs = Math.round(performance.now() - t0);
    api.iterations = params && params.iterations !== undefined ? params.iterations : null;
    labelsReady = true;
    clearLegend();
    declutter();
    document.getElementById("pm-settling").classList.add("pm-done");
    container.setAttribute("data-settled", "true");
  }
  network.on("zoom", declutterSoon);
  network.on("dragEnd", declutterSoon);
  network.on("animationFinished", declutterSoon);
  network.once("stabilizationIterationsDone", settled);
  network.once("stabilized", settled);
  if (huge) {
    network.once("afterDrawing", function () {
      network.fit({ animation: false });
      settled({ iterations: 0 });
    });
  }
  if (!data.nodes.length) { settled(null); }

  // -- focusing ---------------------------------------------------------------------
  function focusOn(ids) {
    ids = (ids || []).filter(function (id) { return byId[id]; });
    if (!ids.length) { return false; }
    state.forced = {};
    ids.forEach(function (id) { state.forced[id] = true; });
    applyAll();
    network.selectNodes(ids, true);
    var anim = { duration: 450, easingFunction: "easeInOutQuad" };
    if (ids.length === 1) {
      network.focus(ids[0], { scale: Math.max(network.getScale(), 1.1), animation: anim, locked: false });
    } else {
      /* fit, then step back a little so that the nodes clear the legend and the edges */
      var from = { position: network.getViewPosition(), scale: network.getScale() };
      network.fit({ nodes: ids, animation: false, maxZoomLevel: 1.0 });
      var to = { position: network.getViewPosition(), scale: network.getScale() * 0.75 };
      network.moveTo(from);
      network.moveTo({ position: to.position, scale: to.scale, animation: anim });
    }
    api.lastFocus = ids.slice();
    return true;
  }

  // -- search -------------------------------------------------------------------------
  var input = document.getElementById("pm-search");
  var results = document.getElementById("pm-search-results");
  var status = document.getElementById("pm-search-status");
  function search(query) {
    var q = norm(query);
    if (!q) { return []; }
    var hits = data.nodes.filter(function (n) { return n.search.indexOf(q) >= 0; });
    hits.sort(function (a, b) {
      var ra = norm(a.name) === q ? 0 : (norm(a.name).indexOf(q) === 0 ? 1 : 2);
      var rb = norm(b.name) === q ? 0 : (norm(b.name).indexOf(q) === 0 ? 1 : 2);
      return ra - rb || b.degree - a.degree;
    });
    return hits;
  }
  function showResults(hits) {
    results.textContent = "";
    status.textContent = input.value.trim() ? (hits.length ? S.search_found.replace("{n}", hits.length) : S.search_none) : "";
    hits.slice(0, 10).forEach(function (n) {
      var li = el("li");
      var b = el("button", null, n.name);
      b.type = "button";
      b.setAttribute("dir", "auto");
      b.addEventListener("click", function () { focusOn([n.id]); results.textContent = ""; });
      li.appendChild(b);
      results.appendChild(li);
    });
  }
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { showResults(search(input.value)); }, 120);
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      ev.preventDefault();
      var hits = search(input.value);
      showResults(hits);
      if (hits.length) { focusOn([hits[0].id]); results.textContent = ""; }
    } else if (ev.key === "Escape") { results.textContent = ""; }
  });

  // -- filters and toggles ---------------------------------------------------------------
  function fillSelect(select, pairs, current) {
    select.appendChild(new Option(S.all, ""));
    pairs.forEach(function (p) { select.appendChild(new Option(p[1], p[0])); });
    select.value = current || "";
  }
  document.querySelectorAll("select[data-filter]").forEach(function (select) {
    var key = select.getAttribute("data-filter");
    var pairs = { locality: data.filters.localities, domain: data.filters.domains,
                  sector: data.filters.sectors, context: data.filters.contexts }[key];
    fillSelect(select, pairs, state.filters[key]);
    select.addEventListener("change", function () {
      state.filters[key] = select.value; state.forced = {}; applyAll();
    });
  });
  document.querySelectorAll("input[data-highlight]").forEach(function (box) {
    box.addEventListener("change", function () {
      state.highlight[box.getAttribute("data-highlight")] = box.checked; applyAll();
    });
  });
  var structuresBox = document.getElementById("pm-toggle-structures");
  structuresBox.addEventListener("change", function () { state.structures = structuresBox.checked; applyAll(); });
  var rolesBox = document.getElementById("pm-toggle-roles");
  rolesBox.addEventListener("change", function () { state.roles = rolesBox.checked; applyAll(); });
  if (!data.nodes.some(function (n) { return n.type === "Role"; })) { rolesBox.parentNode.hidden = true; }
  var sizeSelect = document.getElementById("pm-size-by");
  sizeSelect.value = state.sizeBy;
  sizeSelect.addEventListener("change", function () { state.sizeBy = sizeSelect.value; applyAll(); });
  document.getElementById("pm-reset").addEventListener("click", function () {
    state.forced = {}; applyAll(); network.unselectAll(); network.fit({ animation: { duration: 300 } });
    document.querySelectorAll(".pm-finding.pm-active").forEach(function (b) { b.classList.remove("pm-active"); });
  });

  // -- findings lists of the dashboard focus the map ----------------------------------------
  document.querySelectorAll("[data-focus]").forEach(function (button) {
    button.addEventListener("click", function () {
      var ids = JSON.parse(button.getAttribute("data-focus"));
      document.querySelectorAll(".pm-finding.pm-active").forEach(function (b) { b.classList.remove("pm-active"); });
      button.classList.add("pm-active");
      focusOn(ids);
    });
  });

  // -- legend -----------------------------------------------------------------------------
  var legend = document.getElementById("pm-legend");
  legend.addEventListener("toggle", declutterSoon);  /* folded: its place is free for labels */
  function legendList(title, items) {
    legend.appendChild(el("h3", null, title));
    var ul = el("ul");
    items.forEach(function (it) {
      var li = el("li");
      var sw = el("span", "pm-swatch" + (it.shape ? " pm-shape-" + it.shape : ""));
      if (it.colour) { sw.style.background = it.colour; }
      li.appendChild(sw);
      li.appendChild(el("span", null, it.text));
      ul.appendChild(li);
    });
    legend.appendChild(ul);
  }
  legendList(S.legend_sectors, data.filters.sectors.map(function (p) {
    return { colour: colours.sectors[p[0]], text: p[1] };
  }));
  var shapes = [{ shape: "dot", text: S.shape_organization, colour: "#cbd5e0" }];
  if (data.nodes.some(function (n) { return n.type === "Forum"; })) { shapes.push({ shape: "diamond", text: S.shape_forum }); }
  if (data.nodes.some(function (n) { return n.type === "Program"; })) { shapes.push({ shape: "square", text: S.shape_program }); }
  if (data.nodes.some(function (n) { return n.type === "Role"; })) { shapes.push({ shape: "triangle", text: S.shape_role }); }
  if (shapes.length > 1) { legendList(S.legend_shapes, shapes); }
  /* a map mode (ties added/ended, ties by trust) lists what its tie colours mean */
  if (data.edge_legend) {
    legendList(data.edge_legend.title, data.edge_legend.items.map(function (it) {
      return { colour: it.colour, text: it.text + (it.dashed ? " ┄" : "") };
    }));
  }
})();
