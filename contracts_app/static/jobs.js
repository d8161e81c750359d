// A job's progress bar: poll its JSON status and move the bar; when the job ends, reload the
// page, which then shows the counts, the download link or the error. No framework; the CSP
// (default-src 'self') allows only this file, so nothing is inline.
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box) { return; }
  var bar = document.getElementById("job-bar");
  var counts = document.getElementById("job-counts");
  var url = box.getAttribute("data-status-url");
  var state = box.getAttribute("data-state");
  if (state === "done" || state === "failed") { return; }

  function show(job) {
    if (job.total) {
      bar.max = job.total;
      bar.value = job.done;
    }
    box.setAttribute("data-state", job.state);
    if (job.state === "queued") {
      counts.textContent = "Waiting for a worker to take it.";
    } else if (job.state === "running") {
      counts.textContent = job.done + " of " + (job.total === null ? "?" : job.total) + " done.";
    }
  }

  function poll() {
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status !== 200) {
        counts.textContent = "Could not read the job's progress (" + request.status + "); reload the page.";
        return;
      }
      var job = JSON.parse(request.responseText);
      show(job);
      if (job.state === "done" || job.state === "failed") {
        window.location.reload();
      } else {
        window.setTimeout(poll, 1000);
      }
    };
    request.onerror = function () { window.setTimeout(poll, 3000); };
    request.send();
  }

  window.setTimeout(poll, 500);
})();
