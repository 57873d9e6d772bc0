/* Accessibility fix-ups of the theme's and extensions' markup (issue 17), checked by
   axe-core in tests/test_layout.py. Jupyter Book loads every _static/*.js on every page.

   1. Solution toggles: sphinx-togglebutton names every dropdown button "Toggle hidden
      content"; each gets the name of what it opens, from its admonition title
      ("Solution to Exercise 3.2 (...)").
   2. Bibliography: docutils writes each citation as role="doc-biblioentry" (deprecated
      in ARIA 1.2) inside role="list", which must hold list items: they become
      role="listitem".
   3. Search buttons: their aria-label "Search" does not contain their visible text
      ("Search Ctrl+K"); the label goes, so the name is the visible text.
   4. Colour-mode button: Font Awesome draws its icons as SVGs titled "Light", "Dark",
      "System Settings", text that is not in its name "Color mode"; the icons are
      decorative (the name says what the button does): their titles go, and they are
      hidden from assistive technology (again whenever Font Awesome redraws them).
   5. Hidden code cells (myst-nb's hide-input): their <summary> shows "Show code cell
      source" but is named "Toggle hidden content"; the label goes, so the name is the
      text shown.
   6. The primary sidebar (book title, search, contents) becomes a labelled landmark,
      so the book's title is not outside every landmark. */
(() => {
  const squash = (text) => (text || "").replace(/\s+/g, " ").trim();

  function nameToggles() {
    for (const button of document.querySelectorAll(".admonition .toggle-button")) {
      const title = button.closest(".admonition-title");
      if (!title) continue;
      const copy = title.cloneNode(true);
      copy.querySelectorAll("button").forEach((b) => b.remove());
      const text = squash(copy.textContent);
      if (text) button.setAttribute("aria-label", text);
    }
  }

  function fixBibliography() {
    const entries = document.querySelectorAll(
      '[role="list"] > [role="doc-biblioentry"]'
    );
    entries.forEach((entry) => entry.setAttribute("role", "listitem"));
  }

  function fixSummaries() {
    for (const summary of document.querySelectorAll("summary[aria-label]")) {
      if (squash(summary.textContent)) summary.removeAttribute("aria-label");
    }
  }

  function fixThemeButtons() {
    for (const button of document.querySelectorAll(".search-button-field")) {
      if (squash(button.textContent)) button.removeAttribute("aria-label");
    }
    for (const button of document.querySelectorAll(".theme-switch-button")) {
      quietIcons(button);
      if (!button.dataset.a11yWatched) {
        button.dataset.a11yWatched = "1";
        new MutationObserver(() => quietIcons(button)).observe(button, {
          childList: true,
          subtree: true,
        });
      }
    }
  }

  function quietIcons(button) {
    for (const icon of button.querySelectorAll("i, svg")) {
      if (icon.getAttribute("aria-hidden") !== "true") {
        icon.setAttribute("aria-hidden", "true");
      }
      if (icon.hasAttribute("aria-labelledby")) icon.removeAttribute("aria-labelledby");
      if (icon.hasAttribute("title")) icon.removeAttribute("title");
      icon.querySelectorAll("title").forEach((t) => t.remove());
    }
  }

  function sidebarLandmark() {
    const sidebar = document.getElementById("pst-primary-sidebar");
    if (sidebar && !sidebar.closest("main, nav, aside, [role]") &&
        !sidebar.hasAttribute("role")) {
      sidebar.setAttribute("role", "complementary");
      sidebar.setAttribute("aria-label", "Book contents and search");
    }
  }

  function run() {
    fixBibliography();
    fixSummaries();
    fixThemeButtons();
    sidebarLandmark();
    nameToggles();
  }

  // sphinx-togglebutton adds its buttons when the DOM is loaded: run after it, and
  // once more when the page has loaded, whatever order the scripts came in.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
  window.addEventListener("load", run);
})();
