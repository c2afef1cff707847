// What axe-core (tests/test_browser.py) found missing in the theme's markup: a name for the search
// dialog, a way to reach regions that scroll sideways from the keyboard, and names that tell one
// navigation landmark from another.
let codeBlocks = 0;
const nameNavigation = (root) => {
  root.querySelectorAll("nav.md-tags:not([aria-label])").forEach((nav) => nav.setAttribute("aria-label", "Tags"));
  // Material puts each code block's copy button in a <nav> of its own, added after the page loads.
  root.querySelectorAll("nav.md-code__nav:not([aria-label])").forEach((nav) => {
    nav.setAttribute("aria-label", `Code block ${++codeBlocks}`);
  });
};
new MutationObserver(() => nameNavigation(document)).observe(document.documentElement, {childList: true, subtree: true});
document.addEventListener("DOMContentLoaded", () => {
  nameNavigation(document);
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
