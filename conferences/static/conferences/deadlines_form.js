// Chairs' deadlines form: next to each time, a "23:59 AoE" button sets the time of its date to
// 23:59 and the zone chosen next to it to AoE. Without a date yet, it opens the date input instead.
(function () {
  document.querySelectorAll(".zoned-time").forEach(function (box) {
    const input = box.querySelector("input");
    const zone = box.querySelector("select");
    if (!input || !zone) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button small secondary aoe-2359";
    button.textContent = "23:59 AoE";
    button.title = "Set the time of this date to 23:59 and its zone to AoE";
    box.appendChild(button);
    button.addEventListener("click", function () {
      const date = input.value.slice(0, 10);
      if (!date) {
        input.focus();
        return;
      }
      input.value = date + "T23:59:00";
      zone.value = "aoe";
      input.dispatchEvent(new Event("change", { bubbles: true }));
      zone.dispatchEvent(new Event("change", { bubbles: true }));
    });
  });
})();
