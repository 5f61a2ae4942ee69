// Live countdowns for <span class="countdown" data-deadline="ISO-8601">. The server decides
// whether a deadline has passed; this only shows how long is left.
(function () {
  function format(ms) {
    if (ms <= 0) return "passed";
    const s = Math.floor(ms / 1000);
    const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600);
    const m = Math.floor((s % 3600) / 60), sec = s % 60;
    return (d ? d + "d " : "") + String(h).padStart(2, "0") + "h " + String(m).padStart(2, "0") + "m " + String(sec).padStart(2, "0") + "s left";
  }
  function tick() {
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      el.textContent = format(new Date(el.dataset.deadline) - Date.now());
    });
  }
  tick();
  setInterval(tick, 1000);
  // <time class="yours" datetime="ISO-8601">: the moment in the reader's own time zone.
  document.querySelectorAll("time.yours[datetime]").forEach(function (el) {
    const moment = new Date(el.getAttribute("datetime"));
    el.textContent = moment.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "long" }) + " (your time)";
  });
})();
