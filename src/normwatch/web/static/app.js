// normwatch: popups for highlighted facts (hover and keyboard focus) and a highlight for the
// fact a link points at. No framework; text goes in with textContent, never as HTML.
(function () {
  "use strict";
  var popup = null;

  function show(mark) {
    var label = mark.getAttribute("data-label");
    if (!label) return;
    if (!popup) {
      popup = document.createElement("div");
      popup.className = "popup";
      popup.setAttribute("role", "tooltip");
      popup.id = "fact-popup";
      document.body.appendChild(popup);
    }
    popup.textContent = label;
    var r = mark.getBoundingClientRect();
    popup.style.left = Math.max(4, window.scrollX + r.left) + "px";
    popup.style.top = (window.scrollY + r.bottom + 6) + "px";
    popup.hidden = false;
    mark.setAttribute("aria-describedby", "fact-popup");
  }

  function hide() { if (popup) popup.hidden = true; }

  function markOf(el) { return el && el.closest ? el.closest("mark.hl") : null; }

  document.addEventListener("DOMContentLoaded", function () {
    // the native title tooltip would double the popup; keep it only where scripts do not run
    document.querySelectorAll("mark.hl[title]").forEach(function (m) { m.removeAttribute("title"); });
    document.addEventListener("mouseover", function (e) { var m = markOf(e.target); if (m) show(m); });
    document.addEventListener("mouseout", function (e) { if (markOf(e.target)) hide(); });
    document.addEventListener("focusin", function (e) { var m = markOf(e.target); if (m) show(m); else hide(); });
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
    markTarget();
    window.addEventListener("hashchange", markTarget);
    var ev = document.getElementById("evidence");
    if (ev && location.hash === "#evidence") ev.focus();
  });

  // a fact's highlight may be split into several <mark> pieces: light them all up, focus the first
  function markTarget() {
    document.querySelectorAll("mark.is-target").forEach(function (m) { m.classList.remove("is-target"); });
    if (!location.hash || location.hash.indexOf("#f-") !== 0) return;
    var first = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!first) return;
    var key = first.getAttribute("data-fact");
    document.querySelectorAll("mark.hl").forEach(function (m) {
      if (m.getAttribute("data-fact") === key) m.classList.add("is-target");
    });
    first.focus({ preventScroll: false });
  }
})();
