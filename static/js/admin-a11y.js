// Name the admin's autocomplete boxes for screen readers. select2 draws its
// own combobox next to each hidden <select> and does not copy the select's
// aria-label. select2 starts after the page has loaded and redraws its
// search box as drivers are picked, so new boxes are watched for and named
// as they appear.
(function () {
  "use strict";

  var PARTS = ".select2-selection, .select2-selection__rendered, .select2-search__field";

  function nameAutocompletes() {
    document.querySelectorAll("select.admin-autocomplete[aria-label]").forEach(function (select) {
      var container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2")) {
        return;
      }
      var label = select.getAttribute("aria-label");
      container.querySelectorAll(PARTS).forEach(function (element) {
        if (element.getAttribute("aria-label") !== label) {
          element.setAttribute("aria-label", label);
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    nameAutocompletes();
    new MutationObserver(nameAutocompletes).observe(document.body, {
      childList: true,
      subtree: true,
    });
  });
})();
