// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // The receipt's print button: shown only when it can work.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
