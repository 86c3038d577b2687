// Copy buttons on the contact list: shown only when the browser can copy, so without
// JavaScript the page is a plain list of numbers and addresses (tel: and mailto: links).
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.copy).then(function () {
        var status = document.getElementById("copy-status");
        if (status) { status.textContent = button.dataset.copied || ""; }
      });
    });
  });
})();
