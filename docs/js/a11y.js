// What axe-core (tests/test_browser.py) found missing in the theme's markup: a name for the search
// dialog, and a way to reach regions that scroll sideways from the keyboard.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".md-search[role=dialog]").forEach((dialog) => {
    dialog.setAttribute("aria-label", "Search");
  });
  document.querySelectorAll(".md-typeset__scrollwrap, .highlight-ipynb, .tabbed-labels, .jp-OutputArea-output")
    .forEach((region) => {
      if (region.scrollWidth > region.clientWidth && !region.hasAttribute("tabindex")) {
        region.setAttribute("tabindex", "0");
      }
    });
});
