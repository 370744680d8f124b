// Starts the design system's components on every page: navigation, alerts, error summary focus,
// responsive tables. Loaded with defer after dkfds.min.js, so the document is parsed and the
// DKFDS global exists by now; an inline script would break the Content Security Policy.
"use strict";

if (window.DKFDS) {
  window.DKFDS.init();
}
