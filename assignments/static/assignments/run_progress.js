// Chairs' assignment page: while a solver run is queued or running, poll its progress through
// the REST API every second and reload the page once it is done or has failed.
(function () {
  const box = document.getElementById("run");
  if (!box || !["queued", "running"].includes(box.dataset.status)) return;
  const timer = setInterval(async function () {
    const response = await fetch(box.dataset.runUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const run = await response.json();
    document.getElementById("run-progress").value = run.progress;
    document.getElementById("run-stage").textContent = run.stage;
    document.getElementById("run-status").textContent = run.status;
    if (run.status === "done" || run.status === "failed") { clearInterval(timer); location.reload(); }
  }, 1000);
})();
