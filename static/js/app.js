// Small progressive enhancements; every page works without them. No inline scripts (CSP).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.matches && target.matches("select[data-autosubmit], input[data-autosubmit]")) {
    target.form.submit();
  }
});
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
  }
});
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.matches && target.matches("select[data-navigate]")) {
    window.location.href = target.value;
  }
});
