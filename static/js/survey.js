// Survey pages: saved-state messages around the htmx autosave and its retries, the pick-K limit and
// counter, and a submit button that cannot be pressed twice. Every page also works without this file.
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

  // A failed autosave (network down, the server or its database restarting) is sent again with
  // a growing pause until it is saved; the question says so meanwhile. A new change replaces a
  // pending retry (it carries the latest answer).
  var RETRY_SECONDS = [1, 2, 4, 8, 15, 30];
  var retries = new Map(); // fieldset -> {attempt, timer}

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = formOf(event.detail.elt);
    if (!form) return;
    var pending = retries.get(event.detail.elt);
    if (pending && pending.timer) {
      clearTimeout(pending.timer);
      pending.timer = null;
    }
    if (!pending) showState(statusOf(event.detail.elt), "saving", form.getAttribute("data-msg-saving"));
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful && formOf(event.detail.elt)) retries.delete(event.detail.elt);
  });

  function failed(event) {
    var elt = event.detail.elt;
    var form = formOf(elt);
    if (!form) return;
    var xhr = event.detail.xhr;
    // A refusal (4xx) will not change by sending it again; a reload shows why.
    if (event.type === "htmx:responseError" && xhr && xhr.status >= 400 && xhr.status < 500) {
      showState(statusOf(elt), "error", form.getAttribute("data-msg-error"));
      return;
    }
    var pending = retries.get(elt) || { attempt: 0, timer: null };
    var pause = RETRY_SECONDS[Math.min(pending.attempt, RETRY_SECONDS.length - 1)];
    pending.attempt += 1;
    pending.timer = setTimeout(function () {
      pending.timer = null;
      htmx.trigger(elt, "change");
    }, pause * 1000);
    retries.set(elt, pending);
    showState(statusOf(elt), "retrying", form.getAttribute("data-msg-retrying"));
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
