// A form is sent once: a second click (or Enter) while the first is on its way does nothing,
// and its buttons say so. The server makes one object of a form posted twice all the same
// (partners.middleware.SubmitOnceMiddleware); this only spares the second request.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") {
      return;
    }
    if (form.dataset.sending === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    form.setAttribute("aria-busy", "true");
    // After this event: a disabled submitter would drop its name=value from the form data.
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]")
        .forEach(function (button) {
          if (!button.disabled) {
            button.disabled = true;
            button.dataset.disabledWhileSending = "1";
          }
        });
    }, 0);
  });
  // Back to a page from the browser's cache: its forms may be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      delete form.dataset.sending;
      form.removeAttribute("aria-busy");
      form.querySelectorAll("[data-disabled-while-sending]").forEach(function (button) {
        button.disabled = false;
        delete button.dataset.disabledWhileSending;
      });
    });
  });
})();

// A table wider than the screen scrolls sideways (the narrow-screen style): it takes the
// keyboard focus then, so that it can be scrolled without a mouse (WCAG 2.1.1).
(function () {
  "use strict";
  function focusable() {
    document.querySelectorAll("table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) {
        table.setAttribute("tabindex", "0");
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", focusable);
  window.addEventListener("resize", focusable);
})();

// A button that prints the page (the plan's print view); no inline handlers under the
// Content-Security-Policy.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target instanceof Element && event.target.closest("[data-print]")) {
      window.print();
    }
  });
})();
