// The offer page: after each change to the basket, ask for its prices (a preview that saves nothing)
// and show the new prices, total and invoice schedule. Saving is the form's own button, pressed on purpose:
// an answer given stands until a signatory accepts the saved changes.
(function () {
  "use strict";
  var form = document.getElementById("basket-form");
  if (!form || !window.fetch || !form.getAttribute("data-preview")) { return; }
  var timer = null;

  function text(id, value) {
    var el = document.getElementById(id);
    if (el) { el.textContent = value; }
  }

  function schedule(rows) {
    var body = document.querySelector("#offer-schedule tbody");
    if (!body) { return; }
    body.textContent = "";
    rows.forEach(function (row) {
      var tr = document.createElement("tr");
      [row.term, row.period, row.net, row.vat, row.gross].forEach(function (value, i) {
        var td = document.createElement("td");
        td.textContent = value;
        if (i > 1) { td.className = "num"; }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  function problems(list) {
    var box = document.getElementById("offer-problems");
    if (!box) { return; }
    box.textContent = "";
    list.forEach(function (message) {
      var p = document.createElement("p");
      p.className = "flash flash-error";
      p.textContent = message;
      box.appendChild(p);
    });
  }

  function show(data) {
    if (data.error) { problems([data.error]); return; }
    var note = document.getElementById("preview-note");
    if (note) { note.textContent = "Prices shown for your choices, not saved yet: press \"Save the basket\" to keep them."; }
    Object.keys(data.lines).forEach(function (code) {
      text("price-" + code, data.lines[code].price);
      text("explanation-" + code, data.lines[code].explanation);
    });
    text("offer-total", data.total);
    problems(data.problems);
    schedule(data.schedule);
    form.setAttribute("data-previewed", "1");
    // What is accepted is the saved basket: until these choices are saved, accepting is not offered.
    var accept = document.getElementById("accept-offer");
    if (accept && !accept.disabled) {
      accept.disabled = true;
      var why = document.createElement("p");
      why.id = "save-first";
      why.className = "flash flash-warning";
      why.textContent = "Save the basket first: a signatory accepts the basket as saved.";
      accept.parentNode.insertBefore(why, accept);
    }
  }

  function preview() {
    fetch(form.getAttribute("data-preview"), {method: "POST", body: new FormData(form), credentials: "same-origin",
                        headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(show)
      .catch(function () { problems(["The prices could not be shown: save the basket to see them."]); });
  }

  Array.prototype.forEach.call(form.querySelectorAll(".basket-input"), function (input) {
    input.addEventListener("change", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(preview, 150);
    });
  });
}());
