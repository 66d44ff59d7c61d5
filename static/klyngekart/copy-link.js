// "Kopier lenke": a button next to a link that copies it, and says so. Progressive enhancement:
// without this file (or without a clipboard) the button stays hidden and the link is plain,
// selectable text (clicking it selects the whole link, by CSS).
(function () {
  "use strict";

  function setUp(root) {
    if (!navigator.clipboard || !window.isSecureContext) return;
    root.querySelectorAll("[data-copy]").forEach(function (box) {
      var button = box.querySelector("[data-copy-button]");
      var source = box.querySelector("[data-copy-source]");
      var status = box.querySelector("[data-copy-status]");
      if (!button || !source || button.dataset.ready) return;
      button.dataset.ready = "1";
      button.hidden = false;
      var timer = null;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(source.textContent.trim()).then(
          function () {
            status.textContent = button.dataset.copied;
            clearTimeout(timer);
            timer = setTimeout(function () { status.textContent = ""; }, 4000);
          },
          function () {
            // Refused (a browser setting): select the link so that Ctrl+C copies it.
            var range = document.createRange();
            range.selectNodeContents(source);
            var selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            status.textContent = button.dataset.failed;
          }
        );
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:afterSettle", function (event) { setUp(event.target); });
})();
