// Klyngekart: progressive enhancement only. Every page works without this file.
(function () {
  "use strict";

  // Number and date formats for the charts' axes, by the page's language: Norwegian writes 1,5
  // and 12 000, English 1.5 and 12,000 (d3-format and d3-time-format locale definitions).
  var CHART_LOCALES = {
    nb: {
      format: { decimal: ",", thousands: "\u00a0", grouping: [3], currency: ["", "\u00a0kr"], percent: "\u00a0%" },
      time: {
        dateTime: "%A %e. %B %Y kl. %X", date: "%d.%m.%Y", time: "%H:%M:%S",
        periods: ["", ""],
        days: ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
        shortDays: ["søn.", "man.", "tir.", "ons.", "tor.", "fre.", "lør."],
        months: ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "desember"],
        shortMonths: ["jan.", "feb.", "mars", "apr.", "mai", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "des."],
      },
    },
    en: {
      format: { decimal: ".", thousands: ",", grouping: [3], currency: ["", "\u00a0NOK"] },
      time: {
        dateTime: "%a %e %B %Y %X", date: "%d/%m/%Y", time: "%H:%M:%S",
        periods: ["AM", "PM"],
        days: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
        shortDays: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
        months: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
        shortMonths: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
      },
    },
  };
  function chartLocale() {
    var lang = (document.documentElement.lang || "nb").slice(0, 2);
    return CHART_LOCALES[lang] || CHART_LOCALES.nb;
  }

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
      var locale = chartLocale();
      window.vegaEmbed(el, spec, {
        actions: false,
        formatLocale: locale.format,
        timeFormatLocale: locale.time,
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
