// Name the admin's autocomplete boxes for screen readers. select2 draws its
// own combobox next to the hidden <select> and does not copy the select's
// aria-label, so the label is copied here once select2 has run.
(function () {
  "use strict";

  function nameAutocompletes(root) {
    root.querySelectorAll("select.admin-autocomplete[aria-label]").forEach(function (select) {
      var container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2")) {
        return;
      }
      var label = select.getAttribute("aria-label");
      container.querySelectorAll(
        ".select2-selection, .select2-selection__rendered, .select2-search__field"
      ).forEach(function (element) {
        if (!element.hasAttribute("aria-label")) {
          element.setAttribute("aria-label", label);
        }
      });
    });
  }

  window.addEventListener("load", function () {
    nameAutocompletes(document);
  });
  document.addEventListener("formset:added", function (event) {
    window.setTimeout(function () {
      nameAutocompletes(event.target);
    }, 0);
  });
})();
