/* Review-writing page: live word counts, and drafts saved automatically through the REST API.
 *
 * Progressive enhancement: without JavaScript the "Save draft" and "Submit" buttons post the
 * form. With it, every change of a draft is sent (debounced) as a PUT of all the answers with
 * "submit": false, and the page says "Draft saved at HH:MM" or why it was not saved (with the
 * problems next to their fields). A submitted review is never saved automatically: changing it
 * is an update, a new version, made only by its "Update review" button.
 */
(function () {
  "use strict";

  var SETTLE_MS = 1200;
  var form = document.getElementById("review-form");
  if (!form) return;
  var fields = Array.prototype.slice.call(form.querySelectorAll(".review-field"));
  var status = document.getElementById("autosave-status");
  var token = (form.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var url = form.getAttribute("data-api");
  var autosave = form.getAttribute("data-autosave") === "on";
  var timer = null;
  var busy = false;
  var dirty = false;

  fields.forEach(function (box) {
    var area = box.querySelector("textarea");
    if (area) {
      countWords(box, area);
      area.addEventListener("input", function () {
        countWords(box, area);
      });
    }
  });

  if (!autosave) return;
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () {
    clearTimeout(timer); // the button's post saves everything
    dirty = false;
  });

  function changed() {
    dirty = true;
    show("Unsaved changes…", "");
    clearTimeout(timer);
    timer = setTimeout(flush, SETTLE_MS);
  }

  function flush() {
    if (busy || !dirty) return;
    dirty = false;
    busy = true;
    show("Saving draft…", "");
    send(answers())
      .then(function (result) {
        if (dirty) return;
        if (result.ok) {
          clearErrors();
          show("Draft saved at " + clock(new Date()), "ok");
        } else {
          show(result.reason, "error");
        }
      })
      .finally(function () {
        busy = false;
        if (dirty) timer = setTimeout(flush, SETTLE_MS);
      });
  }

  function answers() {
    var out = {};
    fields.forEach(function (box) {
      var key = box.getAttribute("data-key");
      var type = box.getAttribute("data-type");
      if (type === "checkbox") {
        out[key] = box.querySelector("input[type=checkbox]").checked;
        return;
      }
      var value = "";
      var area = box.querySelector("textarea");
      var select = box.querySelector("select");
      var chosen = box.querySelector("input[type=radio]:checked");
      if (area) value = area.value;
      else if (select) value = select.value;
      else if (chosen) value = chosen.value;
      if (value !== "") out[key] = value;
    });
    return out;
  }

  function send(data) {
    return fetch(url, {
      method: "PUT",
      credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ answers: data, submit: false }),
    }).then(
      function (response) {
        if (response.ok) return { ok: true };
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (body) {
            var problems = (body && body.answers) || {};
            var general = showErrors(problems);
            var reason = general || (body && body.detail) || "";
            if (!reason && Object.keys(problems).length) reason = "please correct the answers marked below.";
            return { ok: false, reason: "Draft not saved: " + (reason || "error " + response.status) };
          });
      },
      function () {
        return { ok: false, reason: "Draft not saved: the server could not be reached. Your text is still here." };
      }
    );
  }

  function showErrors(problems) {
    clearErrors();
    var general = [];
    Object.keys(problems).forEach(function (key) {
      var messages = [].concat(problems[key]);
      var list = document.getElementById("errors_" + key);
      if (!list) {
        general = general.concat(messages);
        return;
      }
      list.closest(".review-field").classList.add("has-errors");
      messages.forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        list.appendChild(item);
      });
    });
    return general.join(" ");
  }

  function clearErrors() {
    fields.forEach(function (box) {
      box.classList.remove("has-errors");
      var list = box.querySelector(".field-errors");
      if (list) list.textContent = "";
    });
  }

  function show(text, kind) {
    if (!status) return;
    status.textContent = text;
    status.className = "small" + (kind ? " " + kind : " muted");
  }

  function clock(moment) {
    var pad = function (n) {
      return (n < 10 ? "0" : "") + n;
    };
    return pad(moment.getHours()) + ":" + pad(moment.getMinutes());
  }

  function countWords(box, area) {
    var words = area.value.split(/\s+/).filter(Boolean).length;
    var counter = box.querySelector(".word-count");
    if (!counter) return;
    var max = parseInt(area.getAttribute("data-max-words"), 10);
    counter.querySelector(".count").textContent = String(words);
    counter.classList.toggle("over", !isNaN(max) && words > max);
  }
})();
