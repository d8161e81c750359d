// Wide tables on narrow screens (issue #30; WCAG 2.1.1, axe's scrollable-region-focusable): each
// table.data sits in a box of its own that scrolls sideways, never the page. While the box does
// scroll it is a region named after the table, in the tab order, so a keyboard can scroll it with
// the arrow keys. Without this script the table itself scrolls (style.css).
(function () {
  "use strict";
  function tidy(text) { return (text || "").trim().replace(/\s+/g, " "); }
  function name(table) {
    var caption = table.querySelector("caption");
    if (caption) { return tidy(caption.textContent); }
    if (table.getAttribute("aria-label")) { return tidy(table.getAttribute("aria-label")); }
    // The nearest heading before the table, at any depth.
    for (var node = table; node && node !== document.body; node = node.parentElement) {
      for (var before = node.previousElementSibling; before; before = before.previousElementSibling) {
        if (/^H[1-6]$/.test(before.tagName)) { return tidy(before.textContent); }
        var inside = before.querySelectorAll("h1, h2, h3, h4, h5, h6");
        if (inside.length) { return tidy(inside[inside.length - 1].textContent); }
      }
    }
    return tidy(document.title.split("·")[0]);
  }
  function mark(box) {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("role", "region");
      box.setAttribute("tabindex", "0");
      box.setAttribute("aria-label", box.dataset.name + " (scrolls sideways)");
    } else {
      box.removeAttribute("role");
      box.removeAttribute("tabindex");
      box.removeAttribute("aria-label");
    }
  }
  var boxes = [];
  document.querySelectorAll("table.data").forEach(function (table) {
    var box = document.createElement("div");
    box.className = "table-scroll";
    box.dataset.name = name(table) || "Table";
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
    boxes.push(box);
  });
  function markAll() { boxes.forEach(mark); }
  markAll();
  window.addEventListener("resize", markAll);
})();
