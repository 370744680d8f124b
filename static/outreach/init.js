// Starts the design system's components on every page: navigation, alerts, error summary focus,
// responsive tables. Loaded with defer after dkfds.min.js, so the document is parsed and the
// DKFDS global exists by now; an inline script would break the Content Security Policy.
"use strict";

if (window.DKFDS) {
  window.DKFDS.init();
}

// A form that fails validation answers 422 with the form and its errors: swap it in like a 200,
// so the messages appear in place. Other errors keep htmx's default (no swap).
if (window.htmx) {
  // The Content Security Policy allows no inline style and no eval: htmx must not add its
  // indicator <style> element, nor evaluate code from attributes (hx-on, js: values).
  window.htmx.config.includeIndicatorStyles = false;
  window.htmx.config.allowEval = false;
  window.htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "422", swap: true },
    { code: "409", swap: true },
    { code: "[45]..", swap: false, error: true },
  ];
}
