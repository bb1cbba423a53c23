// Survey pages: saved-state messages around the htmx autosave, the pick-K limit and counter, and
// a submit button that cannot be pressed twice. Every page also works without this file.
(function () {
  "use strict";

  function formOf(el) {
    return el && el.closest ? el.closest("form.fill-form") : null;
  }

  function statusOf(el) {
    var fieldset = el && el.closest ? el.closest("fieldset[data-question]") : null;
    return fieldset ? document.getElementById("status-" + fieldset.getAttribute("data-question")) : null;
  }

  function showState(status, state, text) {
    if (!status) return;
    var span = document.createElement("span");
    span.className = "state state-" + state;
    span.textContent = text;
    status.replaceChildren(span);
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = formOf(event.detail.elt);
    if (form) showState(statusOf(event.detail.elt), "saving", form.getAttribute("data-msg-saving"));
  });

  function failed(event) {
    var form = formOf(event.detail.elt);
    if (form) showState(statusOf(event.detail.elt), "error", form.getAttribute("data-msg-error"));
  }
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:timeout", failed);

  // Pick exactly K: refuse the (K+1)th tick before htmx sees the change; the server refuses too.
  document.addEventListener(
    "change",
    function (event) {
      var box = event.target;
      if (!box.matches || !box.matches("fieldset[data-pick-count] input[type=checkbox]")) return;
      var fieldset = box.closest("fieldset[data-pick-count]");
      var limit = parseInt(fieldset.getAttribute("data-pick-count"), 10);
      var checked = fieldset.querySelectorAll("input[type=checkbox]:checked").length;
      if (box.checked && checked > limit) {
        box.checked = false;
        event.stopPropagation();
        var form = formOf(box);
        var text = (form.getAttribute("data-msg-too-many") || "").replace("%(k)s", String(limit));
        showState(statusOf(box), "error", text);
        return;
      }
      var counter = fieldset.querySelector("[data-counter]");
      if (counter) counter.textContent = counter.textContent.replace(/^\d+/, String(checked));
    },
    true
  );

  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("[data-submit-once]");
    if (!button) return;
    if (button.getAttribute("aria-disabled") === "true") {
      event.preventDefault();
      return;
    }
    button.setAttribute("aria-disabled", "true");
    button.classList.add("disabled");
  });
})();
