/* The author response: a live word count under each response box, counted as the server counts
   (runs of non-space characters), marked when over the edition's limit. The limit is enforced
   by the server; this only tells the authors before they press a button. */
(function () {
  "use strict";

  function count(area) {
    var words = area.value.split(/\s+/).filter(Boolean).length;
    var counter = document.getElementById(area.id + "-words");
    if (!counter) return;
    var limit = parseInt(area.getAttribute("data-word-limit"), 10);
    counter.querySelector(".count").textContent = String(words);
    counter.classList.toggle("over", !isNaN(limit) && words > limit);
  }

  document.querySelectorAll("textarea[data-word-limit]").forEach(function (area) {
    area.addEventListener("input", function () {
      count(area);
    });
    count(area);
  });
})();
