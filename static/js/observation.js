// The observation countdown after a vaccination on the vaccinator's pages. Each element with
// data-observation-until (an ISO 8601 time) shows the minutes and seconds left in its
// [data-countdown] child, then the text in data-done-text. Without JavaScript the page shows
// the end time alone. Loaded with defer from the page (no inline script).
"use strict";

(function () {
  var timers = Array.prototype.slice.call(document.querySelectorAll("[data-observation-until]"));
  if (!timers.length) {
    return;
  }

  function render(timer, now) {
    var out = timer.querySelector("[data-countdown]");
    var end = Date.parse(timer.getAttribute("data-observation-until"));
    if (!out || isNaN(end)) {
      return false;
    }
    var left = Math.max(0, Math.ceil((end - now) / 1000));
    if (left === 0) {
      out.textContent = timer.getAttribute("data-done-text");
      return false;
    }
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    var clock = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    out.textContent = timer.getAttribute("data-left-text").replace("{time}", clock);
    return true;
  }

  function tick() {
    var now = Date.now();
    timers = timers.filter(function (timer) {
      return render(timer, now);
    });
    if (timers.length) {
      window.setTimeout(tick, 1000);
    }
  }

  tick();
})();
