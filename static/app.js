// Small behaviours every page may use; no inline script is allowed by the CSP.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
