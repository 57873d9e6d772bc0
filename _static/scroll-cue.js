/* Marks every code block, output and display equation that is cut at its right (or
   left) edge, so that scroll-cue.css fades that edge: the visible cue that the block
   scrolls sideways, which phones otherwise do not show (issue 17). Blocks are checked
   again when they are scrolled, resized, opened (solution dropdowns) or typeset
   (MathJax). */
(() => {
  const SELECTOR = 'div.cell pre, div.highlight pre, mjx-container[display="true"]';

  function mark(el) {
    const cut = el.scrollWidth > el.clientWidth + 1;
    const right = cut && el.scrollLeft + el.clientWidth < el.scrollWidth - 1;
    const left = cut && el.scrollLeft > 1;
    el.classList.toggle("scroll-cue-right", right);
    el.classList.toggle("scroll-cue-left", left);
  }

  const resized = window.ResizeObserver
    ? new ResizeObserver((entries) => entries.forEach((e) => mark(e.target)))
    : null;

  function scan() {
    for (const el of document.querySelectorAll(SELECTOR)) {
      if (!el.dataset.scrollCue) {
        el.dataset.scrollCue = "1";
        el.addEventListener("scroll", () => mark(el), { passive: true });
        if (resized) resized.observe(el);
      }
      mark(el);
    }
  }

  function start() {
    scan();
    const mathjax = window.MathJax && MathJax.startup && MathJax.startup.promise;
    if (mathjax) MathJax.startup.promise.then(scan);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  window.addEventListener("load", start);
  window.addEventListener("resize", scan);
  // Opening a dropdown shows blocks that were hidden (and measured as 0 px wide).
  document.addEventListener("click", () => requestAnimationFrame(scan));
})();
