// The header's menus (the language menu; the phone's "Menu") are <details>, which open and
// close by their own toggle and need no script. With this script they also close as menus
// do (WAI-ARIA Authoring Practices, "Disclosure"): Escape closes the open one and gives the
// focus back to its toggle; a click elsewhere or the focus moving out of it closes it, so
// an open menu never hides the field the keyboard has moved on to.
(() => {
  const menus = () => document.querySelectorAll("details.language-menu[open], details.nav-menu[open]");
  const close = (menu, refocus) => {
    menu.removeAttribute("open");
    if (refocus) menu.querySelector("summary")?.focus();
  };
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    for (const menu of menus()) close(menu, menu.contains(document.activeElement));
  });
  document.addEventListener("click", (event) => {
    for (const menu of menus()) if (!menu.contains(event.target)) close(menu, false);
  });
  document.addEventListener("focusin", (event) => {
    for (const menu of menus()) if (!menu.contains(event.target)) close(menu, false);
  });
})();
