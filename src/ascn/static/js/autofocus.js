// A form refused in a row of a long page comes back at that row (its action ends in the
// row's anchor, #award-3). A page opened at an anchor skips `autofocus` (HTML's rule) and
// Chromium clears the focus when it scrolls to the anchor, so the field with the error,
// which the form marks `autofocus`, would not take the focus: it takes it here, once the
// page has loaded and been scrolled, unless the reader has already moved it. Without this
// script the anchor still brings the reader to the row.
window.addEventListener("load", () => {
  setTimeout(() => {
    const field = document.querySelector("main [autofocus]");
    if (field && (document.activeElement === document.body || !document.activeElement)) {
      field.focus();
    }
  }, 0);
});
