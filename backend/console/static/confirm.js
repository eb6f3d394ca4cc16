// The confirmation step for actions that cannot be undone (backend/console/confirmation.py):
// a button with data-confirm opens #confirm-dialog with its text; only 确认 sets the form's
// "confirmed" field and submits the form, with the same button (its name/value travel along).
(function () {
  var dialog = document.getElementById("confirm-dialog");
  if (!dialog) return;
  var message = document.getElementById("confirm-dialog-message");
  var pending = null;
  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      pending = button;
      message.textContent = button.dataset.confirm;
      dialog.returnValue = "";
      dialog.showModal();
    });
  });
  dialog.addEventListener("close", function () {
    var button = pending;
    pending = null;
    if (!button || dialog.returnValue !== "confirm") return;
    button.form.querySelector("input[data-confirm-field]").value = "1";
    button.form.requestSubmit(button);
  });
})();
