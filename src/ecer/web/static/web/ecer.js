// Page behaviour shared by every page. The Content-Security-Policy allows scripts from /static/ and
// nonced inline scripts only, so no inline event handlers (onchange=...): mark elements instead.
// <select data-autosubmit>: submit its form when the choice changes (language and plan pickers).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
    target.form.submit();
  }
});
