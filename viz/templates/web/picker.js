/* Search-as-you-type pickers: names in any script through the API's list search (?q=). */
(function () {
  "use strict";
  function pickers() { return document.querySelectorAll(".pm-picker"); }
  Array.prototype.forEach.call(pickers(), function (box) {
    var target = document.getElementById(box.dataset.for);
    var picked = document.getElementById(box.dataset.for + "-picked");
    var input = box.querySelector("input");
    var list = box.querySelector("ul");
    var paths = (box.dataset.paths || "").split(",").filter(Boolean);
    var multi = box.dataset.multi === "1";
    var timer = null, asked = 0;
    function clear() { while (list.firstChild) { list.removeChild(list.firstChild); } }
    function choose(item) {
      if (multi && target.value.trim()) {
        var ids = target.value.split(";").map(function (s) { return s.trim(); }).filter(Boolean);
        if (ids.indexOf(item.id) < 0) { ids.push(item.id); }
        target.value = ids.join(";");
        if (picked) { picked.textContent = (picked.textContent ? picked.textContent + "; " : "") + item.name; }
      } else {
        target.value = item.id;
        if (picked) { picked.textContent = item.name; }
      }
      input.value = "";
      clear();
      target.dispatchEvent(new Event("change", {bubbles: true}));
    }
    function show(items) {
      clear();
      items.slice(0, 12).forEach(function (item) {
        var li = document.createElement("li");
        var b = document.createElement("button");
        b.type = "button";
        b.className = "pm-pick-option";
        b.dataset.id = item.id;
        b.dir = "auto";
        b.textContent = item.name + " (" + item.id + ")";
        b.addEventListener("click", function () { choose(item); });
        li.appendChild(b);
        list.appendChild(li);
      });
    }
    function search() {
      var q = input.value.trim();
      var mine = ++asked;
      if (!q) { clear(); return; }
      Promise.all(paths.map(function (path) {
        return fetch("/api/v1/" + encodeURIComponent(path) + "?limit=8&q=" + encodeURIComponent(q),
                     {credentials: "same-origin", headers: {"Accept": "application/json"}})
          .then(function (r) { return r.ok ? r.json() : {data: []}; })
          .catch(function () { return {data: []}; });
      })).then(function (pages) {
        if (mine !== asked) { return; }
        var items = [];
        pages.forEach(function (page) {
          (page.data || []).forEach(function (n) { items.push({id: n.id, name: n.name || n.title || n.id}); });
        });
        show(items);
      });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 200); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); var first = list.querySelector("button"); if (first) { first.click(); } }
      if (e.key === "Escape") { clear(); }
    });
  });
})();
