// Survey pages: saved-state messages around the htmx autosave and its retries, answers kept in the
// browser while the session has expired, the pick-K limit and counter, and a submit button that
// cannot be pressed twice. Every page also works without this file.
(function () {
  "use strict";

  // --- Answers not yet saved, kept in this browser (docs/ARCHITECTURE.md §5.2) ---------------
  // Every autosave puts its question's answer here first and takes it out once the server has
  // answered; what an expired session could not save stays until the person logs in again and
  // the next survey page sends it. One entry per participation (only its owner opens its pages);
  // it is emptied once saved, on a read-only page and on the receipt.
  var unsaved = document.getElementById("survey-unsaved");

  function storageKey() {
    return unsaved ? unsaved.getAttribute("data-unsaved-key") : null;
  }

  function readUnsaved() {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey()) || "{}") || {};
    } catch (error) {
      return {};
    }
  }

  function writeUnsaved(entries) {
    try {
      if (Object.keys(entries).length) window.localStorage.setItem(storageKey(), JSON.stringify(entries));
      else window.localStorage.removeItem(storageKey());
    } catch (error) {
      /* storage full or disabled: the retry and the message still work */
    }
  }

  function keep(key, values) {
    if (!storageKey()) return;
    var entries = readUnsaved();
    entries[key] = values;
    writeUnsaved(entries);
  }

  function forget(key) {
    if (!storageKey()) return;
    var entries = readUnsaved();
    if (key in entries) {
      delete entries[key];
      writeUnsaved(entries);
    }
  }

  function valuesOf(fieldset) {
    return Array.prototype.map.call(fieldset.querySelectorAll("input:checked"), function (input) {
      return input.value;
    });
  }

  function sessionExpired() {
    if (!unsaved) return;
    unsaved.hidden = false;
    // The notice is fixed at the bottom: room below the page so it covers no button.
    document.body.style.paddingBottom = unsaved.offsetHeight + 32 + "px";
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  // Answers of questions on another page: sent as that page's autosave would send them.
  function sendElsewhere(key, values) {
    var body = new URLSearchParams();
    body.append("q", key);
    values.forEach(function (value) {
      body.append(key, value);
    });
    return fetch(unsaved.getAttribute("data-autosave-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
      body: body,
    }).then(function (response) {
      if (response.status === 401) {
        sessionExpired();
        return false;
      }
      if (response.ok) forget(key);
      return response.ok;
    });
  }

  function restoreUnsaved() {
    if (!unsaved) return;
    if (unsaved.hasAttribute("data-clear-unsaved")) {
      writeUnsaved({});
      return;
    }
    var entries = readUnsaved();
    var elsewhere = [];
    Object.keys(entries).forEach(function (key) {
      var fieldset = document.querySelector('fieldset[data-question="' + CSS.escape(key) + '"][hx-post]');
      if (!fieldset) {
        elsewhere.push(sendElsewhere(key, entries[key]));
        return;
      }
      fieldset.querySelectorAll("input").forEach(function (input) {
        input.checked = entries[key].indexOf(input.value) !== -1;
      });
      htmx.trigger(fieldset, "change");
    });
    if (elsewhere.length) {
      // The page shows the draft as it was read; once the other pages' answers are in, read it again.
      Promise.all(elsewhere).then(function (results) {
        if (results.every(Boolean)) window.location.reload();
      });
    }
  }
  // After htmx has set up the page's autosave triggers.
  htmx.onLoad(function (elt) {
    if (elt === document.body) restoreUnsaved();
  });

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
    var key = event.detail.elt.getAttribute("data-question");
    if (key) keep(key, valuesOf(event.detail.elt));
    var pending = retries.get(event.detail.elt);
    if (pending && pending.timer) {
      clearTimeout(pending.timer);
      pending.timer = null;
    }
    if (!pending) showState(statusOf(event.detail.elt), "saving", form.getAttribute("data-msg-saving"));
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (!event.detail.successful || !formOf(event.detail.elt)) return;
    retries.delete(event.detail.elt);
    // Answered by the server (saved, or refused with the reason shown): nothing left to keep.
    forget(event.detail.elt.getAttribute("data-question"));
  });

  function failed(event) {
    var elt = event.detail.elt;
    var form = formOf(elt);
    if (!form) return;
    var xhr = event.detail.xhr;
    // The session has expired: the answer waits in this browser until the person logs in again.
    if (event.type === "htmx:responseError" && xhr && xhr.status === 401) {
      showState(statusOf(elt), "error", unsaved ? unsaved.getAttribute("data-msg-expired") : form.getAttribute("data-msg-error"));
      sessionExpired();
      return;
    }
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
