// Authors' conflicts page: the search box hides the PC members whose name and affiliation do
// not contain what is typed.
(function () {
  const input = document.getElementById("pc-filter");
  if (!input) return;
  input.addEventListener("input", function (e) {
    const q = e.target.value.trim().toLowerCase();
    document.querySelectorAll("#pc-list .pc-row").forEach(function (row) { row.hidden = q && !row.dataset.search.includes(q); });
  });
})();
