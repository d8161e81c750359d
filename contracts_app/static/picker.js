// Pickers (issue #30): an input with data-suggest="URL" gets a native <datalist> filled as the user types,
// from URL?q=... ([{value, label}]). The browser's own list is keyboard and screen-reader usable; without
// this script the input is the plain field it always was.
(function () {
  "use strict";
  function attach(input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("list", list.id);
    var timer = null, asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q.length < 2 || q === asked) { return; }
        asked = q;
        fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"},
                                                                       credentials: "same-origin"})
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (items) {
            if (input.value.trim() !== q) { return; }  // typed on since: a newer answer will come
            list.replaceChildren.apply(list, items.map(function (item) {
              var option = document.createElement("option");
              option.value = item.value;
              option.label = item.label;
              return option;
            }));
          })
          .catch(function () { /* no suggestions: the field still takes what is typed */ });
      }, 200);
    });
  }
  document.querySelectorAll("input[data-suggest]").forEach(attach);
})();
