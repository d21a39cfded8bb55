/* ECER page behaviour, kept in a static file so the pages work under a strict Content-Security-Policy
   (no inline script or handler). Selects marked data-autosubmit submit their form on change; a form
   marked data-partial swaps in the server's fragment for its target instead of reloading the page. */
(function () {
  "use strict";

  function swap(form) {
    var target = document.getElementById(form.dataset.target);
    var params = new URLSearchParams(new FormData(form));
    var url = form.getAttribute("action") || window.location.pathname;
    url = url + "?" + params.toString();
    target.setAttribute("aria-busy", "true");
    fetch(url, { headers: { "X-ECER-Partial": form.dataset.partial }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status + " " + response.statusText); }
        return response.text();
      })
      .then(function (html) {
        target.innerHTML = html;
        target.removeAttribute("aria-busy");
        window.history.replaceState(null, "", url);
        document.dispatchEvent(new CustomEvent("ecer:swapped", { detail: { target: target } }));
      })
      .catch(function () { window.location.assign(url); });  // fall back to a full page load
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el.matches || !el.matches("select[data-autosubmit]") || !el.form) { return; }
    if (el.form.dataset.partial && window.fetch) { swap(el.form); } else { el.form.submit(); }
  });

  // A link to a collapsed <details> (an assessment's measure items) opens it.
  function openTarget() {
    var el = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (el && el.tagName === "DETAILS") { el.open = true; }
  }
  // Header menus (web/navigation.py) open on hover and focus by CSS; a tap or click toggles them too,
  // for touch screens, and a click elsewhere or Escape closes them.
  function closeMenus(except) {
    document.querySelectorAll(".nav-menu.open").forEach(function (menu) {
      if (menu === except) { return; }
      menu.classList.remove("open");
      menu.querySelector(".nav-menu-label").setAttribute("aria-expanded", "false");
    });
  }
  document.addEventListener("click", function (event) {
    var label = event.target.closest && event.target.closest(".nav-menu-label");
    if (!label) { closeMenus(null); return; }
    var menu = label.parentElement;
    closeMenus(menu);
    label.setAttribute("aria-expanded", String(menu.classList.toggle("open")));
  });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") { closeMenus(null); } });

  window.addEventListener("hashchange", openTarget);
  document.addEventListener("DOMContentLoaded", openTarget);
}());
