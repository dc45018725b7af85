/* partnermap emergency view: marks the providers of the locality's needs and draws the emergency
 * team as one group over the map of map.js (window.pmMap). Text goes in with textContent only. */
(function () {
  "use strict";
  var pm = window.pmMap;
  var R = pm && pm.data.readiness;
  if (!R) { return; }
  var network = pm.network;
  var nodes = network.body.data.nodes;
  var members = {};
  R.team.members.forEach(function (id) { members[id] = true; });
  var TEAM = "#0072B2", PROVIDER = "#E66100";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function stepsText(n) {
    if (n === null || n === undefined) { return R.strings.out_of_reach; }
    return R.strings.steps[n] || String(n);
  }
  function tip(id) {
    var n = pm.data.nodes.filter(function (x) { return x.id === id; })[0];
    var p = R.providers[id];
    var box = el("div", "pm-tip");
    box.appendChild(el("strong", null, n ? n.name : id));
    if (members[id]) { box.appendChild(el("div", null, R.strings.member)); }
    if (p) {
      box.appendChild(el("div", null, R.strings.provider + " · " + stepsText(p.steps)));
      var ul = el("ul");
      p.needs.forEach(function (x) { ul.appendChild(el("li", null, x)); });
      box.appendChild(ul);
      if (p.contact) { box.appendChild(el("div", null, R.strings.contact + ": " + p.contact)); }
    }
    return box;
  }
  var applying = false;
  function restyle() {
    if (applying) { return; }
    applying = true;
    var updates = [];
    pm.data.nodes.forEach(function (n) {
      var p = R.providers[n.id];
      if (!p && !members[n.id]) { return; }
      var current = nodes.get(n.id);
      if (!current || current.hidden) { return; }
      updates.push({
        id: n.id, title: tip(n.id),
        borderWidth: p ? 6 : 4,
        shapeProperties: { borderDashes: p && p.steps === null ? [6, 4] : false },
        color: { background: current.color && current.color.background,
                 border: p ? PROVIDER : TEAM,
                 highlight: { border: "#000000" }, hover: { border: "#000000" } }
      });
    });
    nodes.update(updates);
    applying = false;
  }
  nodes.on("update", function () { if (!applying) { setTimeout(restyle, 0); } });
  /* A provider's label carries its contact role on a second line; providers and the team's
   * members are labelled before the others. The map's declutter places them, so no two
   * labels overlap here either. */
  pm.labelOf = function (n) {
    var p = R.providers[n.id];
    return n.label + (p && p.contact ? "\n" + p.contact : "");
  };
  pm.importanceOf = function (n) { return R.providers[n.id] ? 80 : (members[n.id] ? 60 : 0); };
  restyle();
  pm.declutter();

  // The team as a group: a shaded hull around its members, named at its top.
  function hull(points) {
    points = points.slice().sort(function (a, b) { return a.x - b.x || a.y - b.y; });
    if (points.length < 3) { return points; }
    function cross(o, a, b) { return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x); }
    var lower = [], upper = [];
    points.forEach(function (p) {
      while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) { lower.pop(); }
      lower.push(p);
    });
    points.slice().reverse().forEach(function (p) {
      while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) { upper.pop(); }
      upper.push(p);
    });
    return lower.slice(0, -1).concat(upper.slice(0, -1));
  }
  network.on("beforeDrawing", function (ctx) {
    var ids = R.team.members.filter(function (id) {
      var n = nodes.get(id); return n && !n.hidden;
    });
    if (!ids.length) { return; }
    var pos = network.getPositions(ids);
    var pts = ids.map(function (id) { return pos[id]; });
    var pad = 45;
    ctx.save();
    ctx.fillStyle = "rgba(0, 114, 178, 0.10)";
    ctx.strokeStyle = TEAM;
    ctx.lineWidth = 3;
    ctx.setLineDash([10, 6]);
    var h = hull(pts);
    var cx = h.reduce(function (s, p) { return s + p.x; }, 0) / h.length;
    var cy = h.reduce(function (s, p) { return s + p.y; }, 0) / h.length;
    ctx.beginPath();
    if (h.length < 3) {
      h.forEach(function (p) { ctx.moveTo(p.x + pad, p.y); ctx.arc(p.x, p.y, pad, 0, 2 * Math.PI); });
    } else {
      h.forEach(function (p, i) {
        var dx = p.x - cx, dy = p.y - cy, d = Math.sqrt(dx * dx + dy * dy) || 1;
        var x = p.x + dx / d * pad, y = p.y + dy / d * pad;
        if (i === 0) { ctx.moveTo(x, y); } else { ctx.lineTo(x, y); }
      });
      ctx.closePath();
    }
    ctx.fill();
    ctx.stroke();
    var top = Math.min.apply(null, pts.map(function (p) { return p.y; })) - pad - 10;
    ctx.setLineDash([]);
    ctx.font = "bold 18px Arial, 'Noto Sans Hebrew', sans-serif";
    ctx.fillStyle = TEAM;
    ctx.textAlign = "center";
    ctx.fillText(R.team.name, cx, top);
    ctx.restore();
  });

  // Legend: what the two markings mean.
  var legend = document.getElementById("pm-legend");
  if (legend) {
    legend.appendChild(el("h3", null, R.strings.legend));
    var ul = el("ul", "pm-readiness-legend");
    [[TEAM, R.strings.member], [PROVIDER, R.strings.provider + " (" + R.strings.contact + ")"],
     [PROVIDER, R.strings.out_of_reach]].forEach(function (pair, i) {
      var li = el("li");
      var ring = el("span", "pm-ring");
      ring.style.border = "3px " + (i === 2 ? "dashed " : "solid ") + pair[0];
      li.appendChild(ring);
      li.appendChild(el("span", null, " " + pair[1]));
      ul.appendChild(li);
    });
    if (!R.team.forum_id) { legend.appendChild(el("p", null, R.strings.no_team)); }
    legend.appendChild(ul);
  }
  document.getElementById("pm-network").setAttribute("data-readiness", "ready");
  pm.readiness = { restyle: restyle, providers: Object.keys(R.providers), members: R.team.members };
})();
