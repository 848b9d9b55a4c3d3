// The import of a household list: while its rows are checked, ask the
// server to check the next ones and move the progress bar, then show the
// outcome. Without this script the page's button does one step at a time.
(function () {
  "use strict";
  function step(form) {
    var bar = document.getElementById("hh-import-progress");
    var count = document.getElementById("hh-import-count");
    fetch(form.action, { method: "POST", headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      })
      .then(function (s) {
        if (bar) { bar.max = s.total; bar.value = s.checked; bar.textContent = s.progress + "%"; }
        if (count) count.textContent = s.checked + " / " + s.total;
        if (s.status === "checking") step(form);
        else window.location.reload();
      })
      .catch(function () { form.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-import-check]");
    if (!form) return;
    form.hidden = true;
    step(form);
  });
})();
