// The proceedings page: each build still queued or running (a row with data-status-url) asks
// its status every second and moves its progress bar; when it is done or has failed, the page
// reloads to show the download link or the error. Text only (textContent).
(function () {
  "use strict";
  var PERIOD = 1000;
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.build[data-status-url]"));
  if (!rows.length) { return; }

  function draw(row, state) {
    var bar = row.querySelector(".build-progress");
    if (bar) {
      bar.max = Math.max(1, state.steps_total);
      bar.value = state.steps_done;
      bar.textContent = state.percent + "%";
    }
    var steps = row.querySelector(".build-steps");
    if (steps) { steps.textContent = state.steps_done + "/" + state.steps_total; }
  }

  function poll(row) {
    var url = row.getAttribute("data-status-url");
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(function (state) {
        draw(row, state);
        if (state.status === "done" || state.status === "failed") {
          window.location.reload();
          return;
        }
        window.setTimeout(function () { poll(row); }, PERIOD);
      })
      .catch(function () { window.setTimeout(function () { poll(row); }, PERIOD * 5); });
  }

  rows.forEach(function (row) { window.setTimeout(function () { poll(row); }, PERIOD); });
})();
