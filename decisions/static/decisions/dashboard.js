/* The decision dashboard's keys: j / k move to the next / previous paper, x selects the current
   one for the bulk form. Everything works without this file (the checkboxes are plain). */
(function () {
  "use strict";

  var rows = Array.prototype.slice.call(document.querySelectorAll("#decisions-table tr.paper-row"));
  if (!rows.length) return;
  var current = -1;

  function move(to) {
    if (current >= 0) rows[current].classList.remove("current");
    current = Math.max(0, Math.min(rows.length - 1, to));
    rows[current].classList.add("current");
    rows[current].scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var tag = target && target.tagName;
    var typing = tag === "INPUT" && target.type !== "checkbox";
    if (typing || tag === "SELECT" || tag === "TEXTAREA" || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (event.key === "j") {
      move(current + 1);
    } else if (event.key === "k") {
      move(current < 0 ? 0 : current - 1);
    } else if (event.key === "x" && current >= 0) {
      var box = rows[current].querySelector("input[type=checkbox]");
      if (box) box.checked = !box.checked;
    } else {
      return;
    }
    event.preventDefault();
  });
})();
