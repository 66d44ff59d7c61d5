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

  // The cluster menu is a <details>: folded on a phone, open on a wide screen. CSS shows it on a
  // wide screen even while closed; opening it here keeps older browsers and screen readers in step.
  var wide = window.matchMedia ? window.matchMedia("(min-width: 861px)") : null;
  function syncMenu() {
    if (!wide) return;
    document.querySelectorAll("details[data-navmenu]").forEach(function (el) { el.open = wide.matches; });
  }
  if (wide && wide.addEventListener) { wide.addEventListener("change", syncMenu); }

  document.addEventListener("DOMContentLoaded", function () { syncMenu(); renderCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { renderCharts(event.target); });

  // Auto-submit filter forms (progressive: the form still has a submit button).
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form && window.htmx) { window.htmx.trigger(form, "submit"); }
  });
})();
