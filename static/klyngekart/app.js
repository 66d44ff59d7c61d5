// Klyngekart: progressive enhancement only. Every page works without this file.
(function () {
  "use strict";

  // Charts: each element with data-chart names a <script type="application/json"> that holds a
  // Vega-Lite spec built on the server. The AST interpreter keeps us free of eval() under CSP.
  function renderCharts(root) {
    if (!window.vegaEmbed) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.rendered) return;
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      el.dataset.rendered = "1";
      var spec = JSON.parse(source.textContent);
      window.vegaEmbed(el, spec, {
        actions: false,
        renderer: "svg",
        ast: true,
        expr: window.vegaExpressionInterpreter,
        config: { font: "Inter, system-ui, sans-serif" },
      }).catch(function (err) { el.textContent = ""; console.error(err); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { renderCharts(document); });

  // Gap matrix: the form shows what the server will store. "Not relevant for me" clears the row's
  // ratings, a rating clears the row's tick, and "None of these areas concern my work" ticks every
  // row of the part (without this file the server applies the same rules on Next).
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.name || !input.closest) return;
    var form = input.closest("form");
    if (!form) return;
    if (/__group_not_relevant$/.test(input.name)) {
      form.querySelectorAll("input[type=checkbox][name$='__not_relevant']").forEach(function (box) {
        if (box !== input) box.checked = input.checked;
        if (input.checked) clearRatings(box.closest(".kk-gap-row"));
      });
      return;
    }
    var row = input.closest(".kk-gap-row");
    if (!row || !row.id) return;
    if (/__not_relevant$/.test(input.name)) {
      if (input.checked) clearRatings(row);
      else uncheckGroup(form);
    } else if (input.type === "radio" && input.checked) {
      var box = row.querySelector("input[type=checkbox][name$='__not_relevant']");
      if (box) box.checked = false;
      uncheckGroup(form);
    }
  });

  function clearRatings(row) {
    if (!row) return;
    row.querySelectorAll("input[type=radio]").forEach(function (radio) { radio.checked = false; });
  }

  function uncheckGroup(form) {
    var group = form.querySelector("input[type=checkbox][name$='__group_not_relevant']");
    if (group) group.checked = false;
  }

  // A page that comes back with errors: move the focus to the summary at its top, so a keyboard or
  // screen-reader user starts where the links to each problem are (it has tabindex="-1").
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary && !window.location.hash) summary.focus();
  });
  document.addEventListener("htmx:afterSettle", function (event) { renderCharts(event.target); });

  // Auto-submit filter forms (progressive: the form still has a submit button).
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form && window.htmx) { window.htmx.trigger(form, "submit"); }
  });
})();
