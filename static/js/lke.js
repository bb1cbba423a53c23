// Evidence upload: drag and drop files onto the form; each dropped file fills a row of its own
// (file + description). Without JavaScript the plain file inputs work as they are.
(function () {
  function rowsOf(form) { return form.querySelectorAll("[data-lke-row]"); }

  function emptyRow(form) {
    var rows = rowsOf(form);
    for (var i = 0; i < rows.length; i++) {
      var input = rows[i].querySelector("input[type=file]");
      if (input && input.files.length === 0) { return rows[i]; }
    }
    var last = rows[rows.length - 1];
    var copy = last.cloneNode(true);
    var n = rows.length + 1;
    copy.querySelectorAll("input").forEach(function (input) {
      var base = input.name.replace(/_\d+$/, "");
      input.name = base + "_" + n;
      input.id = (input.type === "file" ? "file-" : "description-") + n;
      input.value = "";
    });
    copy.querySelectorAll("label").forEach(function (label) {
      var target = label.getAttribute("for") || "";
      label.setAttribute("for", target.replace(/-\d+$/, "-" + n));
      if (target.indexOf("file-") === 0) { label.textContent = label.textContent.replace(/\d+$/, n); }
    });
    last.parentNode.appendChild(copy);
    return copy;
  }

  function addFile(form, file) {
    var row = emptyRow(form);
    var input = row.querySelector("input[type=file]");
    var transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    var description = row.querySelector("input[type=text]");
    if (description && !description.value) { description.focus(); }
  }

  document.querySelectorAll("[data-lke-upload]").forEach(function (form) {
    var zone = form.querySelector("[data-lke-dropzone]");
    if (!zone || typeof DataTransfer === "undefined") { return; }
    zone.hidden = false;
    ["dragenter", "dragover"].forEach(function (name) {
      form.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("is-over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      form.addEventListener(name, function () { zone.classList.remove("is-over"); });
    });
    form.addEventListener("drop", function (event) {
      event.preventDefault();
      Array.prototype.forEach.call(event.dataTransfer.files, function (file) { addFile(form, file); });
    });
  });
})();
