"use strict";
(function () {
  var table = document.getElementById("table");
  if (!table || !table.tBodies.length) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var fold = JSON.parse(document.getElementById("fold").textContent);
  var simplified = {};
  var traditional = Array.from(fold.t);
  var plain = Array.from(fold.s);
  traditional.forEach(function (char, index) { simplified[char] = plain[index]; });
  var dashes = /[\u2010-\u2015\u2212\ufe63\uff0d]/g;

  // As gbastd's search folds: width (NFKC), case, dashes, Traditional to Simplified, spaces.
  function folded(text) {
    var out = "";
    Array.from(text.normalize("NFKC").toLowerCase().replace(dashes, "-")).forEach(function (c) {
      out += simplified[c] || c;
    });
    return out.replace(/\s+/g, " ").trim();
  }

  var input = document.getElementById("filter");
  var count = document.getElementById("count");
  var template = count.getAttribute("data-template");

  function showCount(shown) {
    count.textContent = template.replace("{}", String(shown)).replace("{}", String(rows.length));
  }

  function filter() {
    var words = folded(input.value).split(" ").filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var haystack = row.getAttribute("data-search");
      var keep = words.every(function (word) { return haystack.indexOf(word) !== -1; });
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    showCount(shown);
  }

  // Numbers inside text compare by value, so WQ 1-9 comes before WQ 1-10.
  function parts(text) {
    return text.toLowerCase().split(/(\d+)/).filter(function (part) { return part !== ""; });
  }
  function compare(a, b) {
    var x = parts(a);
    var y = parts(b);
    for (var i = 0; i < Math.min(x.length, y.length); i += 1) {
      var xNumber = /^\d+$/.test(x[i]);
      var yNumber = /^\d+$/.test(y[i]);
      if (xNumber && yNumber) {
        var difference = Number(x[i]) - Number(y[i]);
        if (difference !== 0) { return difference; }
      } else if (xNumber !== yNumber) {
        return xNumber ? -1 : 1;
      } else if (x[i] !== y[i]) {
        return x[i] < y[i] ? -1 : 1;
      }
    }
    return x.length - y.length;
  }

  function sortBy(column, header) {
    var descending = header.getAttribute("aria-sort") === "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
    var keyed = rows.map(function (row, index) {
      var cell = row.cells[column];
      var unknown = cell.classList.contains("u");
      return { row: row, index: index, unknown: unknown, text: unknown ? "" : cell.textContent };
    });
    keyed.sort(function (a, b) {
      if (a.unknown !== b.unknown) { return a.unknown ? 1 : -1; } // unknown last, both ways
      var order = compare(a.text, b.text);
      if (descending) { order = -order; }
      return order || a.index - b.index;
    });
    keyed.forEach(function (item) { body.appendChild(item.row); });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, column) {
    if (!header.hasAttribute("data-sortable")) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = header.textContent;
    header.textContent = "";
    header.appendChild(button);
    button.addEventListener("click", function () { sortBy(column, header); });
  });
  input.addEventListener("input", filter);
  document.getElementById("controls").hidden = false;
  showCount(rows.length);
}());
