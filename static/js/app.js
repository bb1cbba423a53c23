// Small progressive enhancements; every page works without them. No inline scripts (CSP).
// No control acts on change (WCAG 3.2.2): filters and the language switch have their own button.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  // Forms with several buttons: ask only when the delete button submitted it.
  var deleteQuestion = form.getAttribute("data-confirm-delete");
  var submitter = event.submitter;
  if (deleteQuestion && submitter && submitter.value === "delete" && !window.confirm(deleteQuestion)) {
    event.preventDefault();
    return;
  }
  // Logging out on purpose: survey answers kept in this browser while a session had expired
  // (static/js/survey.js) go with it, so the next person at a shared computer finds none.
  if (form.hasAttribute("data-logout")) {
    try {
      Object.keys(window.localStorage)
        .filter(function (key) { return key.indexOf("berakhlak-unsaved-") === 0; })
        .forEach(function (key) { window.localStorage.removeItem(key); });
    } catch (error) { /* storage blocked: nothing was kept */ }
  }
});
// A form refused with errors: its summary (templates/includes/form_errors.html) takes the focus,
// so a screen reader reads it and a keyboard user starts from its links to the fields.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});
// A link of the summary puts the focus into its field, not only the field into view.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
  var field = link && document.getElementById(link.getAttribute("href").slice(1));
  if (!field) return;
  event.preventDefault();
  field.focus();
  field.scrollIntoView({ block: "center" });
});
document.addEventListener("htmx:afterSwap", function (event) {
  var summary = event.detail.target.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});
