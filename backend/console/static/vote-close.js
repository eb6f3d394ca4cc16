// The vote page's 立即计票 button: the page was drawn before the deadline, so open the button
// when the deadline (data-closes-at, ms since the epoch) passes.
(function () {
  var button = document.getElementById("close-now-button");
  if (!button) return;
  var wait = Number(button.dataset.closesAt) - Date.now();
  // Beyond 2^31 - 1 ms a browser fires a timeout at once: such a deadline waits for a reload.
  if (button.disabled && wait < 2147483647) {
    setTimeout(function () { button.disabled = false; }, Math.max(wait, 0) + 1000);
  }
})();
