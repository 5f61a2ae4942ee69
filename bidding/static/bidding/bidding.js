/* Bidding page: save each bid as soon as it changes, through the REST API.
 *
 * Progressive enhancement: without JavaScript every row is a small form with a Save button.
 * With it, the Save buttons are hidden and a change of the <select> is sent with fetch()
 * (PUT a level, DELETE for "No bid"). Changes of one row are sent one at a time and only the
 * latest counts, so arrowing through the levels ends on the level the member stopped at.
 * "Conflict of interest" hides the paper from the list, so it asks for a confirmation first.
 */
(function () {
  "use strict";

  var SETTLE_MS = 150;

  document.documentElement.classList.add("js");
  Array.prototype.forEach.call(document.querySelectorAll("form.bid-form"), setUp);

  function setUp(form) {
    var select = form.querySelector("select[name=level]");
    var status = form.querySelector(".bid-status");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var url = form.getAttribute("data-api");
    var saved = select.getAttribute("data-saved") || "";
    var pending = null;
    var busy = false;
    var timer = null;

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      want(select.value, true);
    });
    select.addEventListener("change", function () {
      want(select.value, false);
    });

    function want(value, confirmed) {
      clearConfirmation();
      if (value === "conflict" && !confirmed) {
        askConfirmation();
        return;
      }
      pending = value;
      clearTimeout(timer);
      timer = setTimeout(flush, SETTLE_MS);
    }

    function flush() {
      if (busy || pending === null) return;
      var value = pending;
      pending = null;
      busy = true;
      show("Saving…", "");
      send(value)
        .then(function (result) {
          if (result.ok) {
            saved = value;
            if (value === "conflict") {
              declared();
            } else if (pending === null) {
              show("Saved", "ok");
            }
          } else if (pending === null) {
            select.value = saved;
            show(result.reason, "error");
          }
        })
        .finally(function () {
          busy = false;
          flush();
        });
    }

    function send(value) {
      var options = {
        method: value === "" ? "DELETE" : "PUT",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": token },
      };
      if (value !== "") {
        options.headers["Content-Type"] = "application/json";
        options.body = JSON.stringify({ level: value === "conflict" ? "conflict" : Number(value) });
      }
      return fetch(url, options).then(
        function (response) {
          if (response.ok) return { ok: true };
          return response
            .json()
            .catch(function () {
              return {};
            })
            .then(function (data) {
              return { ok: false, reason: "Not saved: " + (reasonOf(data) || "error " + response.status) };
            });
        },
        function () {
          return { ok: false, reason: "Not saved: the server could not be reached." };
        }
      );
    }

    function reasonOf(data) {
      if (!data) return "";
      if (typeof data === "string") return data;
      if (Array.isArray(data)) return data.map(reasonOf).join(" ");
      if (data.detail) return reasonOf(data.detail);
      return Object.keys(data)
        .map(function (key) {
          return reasonOf(data[key]);
        })
        .join(" ");
    }

    function show(text, kind) {
      status.textContent = text;
      status.className = "bid-status small" + (kind ? " " + kind : "");
    }

    function declared() {
      var row = form.closest("tr");
      if (row) row.classList.add("conflicted");
      select.disabled = true;
      show("Conflict declared: this paper leaves your list.", "ok");
    }

    function askConfirmation() {
      show("A conflict hides this paper from you for the rest of the review. ", "");
      var yes = button("Declare the conflict", function () {
        clearConfirmation();
        want("conflict", true);
      });
      var no = button("Cancel", function () {
        clearConfirmation();
        select.value = saved;
        show("", "");
        select.focus();
      });
      no.classList.add("secondary");
      status.appendChild(yes);
      status.appendChild(document.createTextNode(" "));
      status.appendChild(no);
    }

    function button(text, onClick) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "small confirm-conflict";
      b.textContent = text;
      b.addEventListener("click", onClick);
      return b;
    }

    function clearConfirmation() {
      Array.prototype.forEach.call(status.querySelectorAll("button"), function (b) {
        b.remove();
      });
    }
  }
})();
