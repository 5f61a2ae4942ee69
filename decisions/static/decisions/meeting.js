// The PC meeting's live page: polls the meeting's JSON every few seconds (a 304 when nothing
// changed, thanks to its ETag) and redraws the paper under discussion and the discussion order.
// Text only (textContent): nothing from the server is parsed as HTML.
(function () {
  "use strict";
  var root = document.getElementById("meeting");
  if (!root) { return; }
  var url = root.getAttribute("data-state-url");
  var etag = null;
  var PERIOD = 3000;

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    return node;
  }

  function paperName(paper, fallback) {
    return paper.number ? "#" + paper.number + " " + paper.title : fallback;
  }

  function drawCurrent(state) {
    var body = document.getElementById("meeting-current-body");
    body.replaceChildren();
    var current = state.current;
    if (!state.open) { body.appendChild(el("p", "The meeting has not started.", {id: "meeting-closed"})); return; }
    if (!current) { body.appendChild(el("p", "No paper is under discussion.")); return; }
    var line = el("p", null, {"class": "meeting-paper"});
    line.appendChild(el("strong", paperName(current, "The next paper"), {id: "meeting-current-paper"}));
    if (current.area) { line.appendChild(document.createTextNode(" ")); line.appendChild(el("span", "(" + current.area + ")", {"class": "muted"})); }
    body.appendChild(line);
    if (current.must_leave) { body.appendChild(el("p", current.message, {"class": "meeting-leave", id: "meeting-leave"})); }
    if (current.leaving !== null) {
      var who = current.leaving.length ? current.leaving.join(", ") : "nobody";
      body.appendChild(el("p", "Must leave the room: " + who + ".", {id: "meeting-leaving"}));
    }
    if (current.scores !== null) {
      var scores = current.scores.map(function (s) { return s.reviewer + ": " + s.score; }).join("; ");
      body.appendChild(el("p", "Scores: " + (scores || "none yet") + ".", {id: "meeting-scores"}));
    }
    if (current.decision !== null) {
      body.appendChild(el("p", "Decision: " + (current.decision || "none yet"), {id: "meeting-decision"}));
    }
  }

  function drawDecideForm(state) {
    var form = document.getElementById("meeting-decide");
    if (!form) { return; }
    var current = state.current;
    form.hidden = !(state.open && current && current.can_decide);
    document.getElementById("meeting-decide-number").value = current && current.number ? current.number : "";
  }

  function drawOrder(state) {
    var list = document.getElementById("meeting-order");
    list.replaceChildren();
    if (!state.order.length) {
      list.appendChild(el("li", "The chairs have not set the discussion order yet.", {"class": "muted"}));
    }
    state.order.forEach(function (paper) {
      var item = el("li", paperName(paper, "A paper you are conflicted with"));
      if (paper.current) { item.className = "current"; item.setAttribute("aria-current", "true"); }
      if (paper.decision) {
        item.appendChild(document.createTextNode(" "));
        item.appendChild(el("span", "(" + paper.decision + ")", {"class": "muted"}));
      }
      list.appendChild(item);
    });
  }

  function draw(state) {
    drawCurrent(state);
    drawDecideForm(state);
    drawOrder(state);
    root.setAttribute("data-version", String(state.version));
  }

  function poll() {
    var headers = {"Accept": "application/json"};
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(url, {headers: headers, credentials: "same-origin", cache: "no-store"})
      .then(function (response) {
        if (response.status === 200) {
          etag = response.headers.get("ETag");
          return response.json().then(draw);
        }
        return null;
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ })
      .then(function () { window.setTimeout(poll, PERIOD); });
  }

  window.setTimeout(poll, PERIOD);
}());
