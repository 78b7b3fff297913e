// Progressive enhancement only: every page works without this script.
document.addEventListener("DOMContentLoaded", () => {
  // Move keyboard and screen-reader focus to the error summary after a failed submit.
  const summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }
});
