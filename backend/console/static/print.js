// Buttons marked data-print print the page (an inline onclick would need 'unsafe-inline').
(function () {
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
