// The trace page's inline script (ADR 0039): the waterfall's first window is
// in the page's HTML, so its rows reach the screen before React hydrates.
// Placed right after the waterfall, it runs as soon as the parser has the
// rows and notes when the next frame has been drawn, the same way the
// waterfall's own effect does when it draws the rows itself: the UI
// benchmark's time to first paint (data-first-paint-ms) and a mark.

/** Put on the performance timeline when the rows of the page's HTML are on screen. */
export const TRACE_HTML_PAINT_MARK = "fb:trace:html-paint";

/** The script's text; it needs nothing from outside (inline scripts run before any of the page's code). */
export const TRACE_PAINT_SCRIPT = `(() => {
  const el = document.querySelector('[data-testid="waterfall"]');
  if (!el || !el.querySelector('[role="treeitem"]')) return;
  requestAnimationFrame(() => setTimeout(() => {
    if (el.dataset.firstPaintMs) return;
    el.dataset.firstPaintMs = String(Math.round(performance.now()));
    performance.mark(${JSON.stringify(TRACE_HTML_PAINT_MARK)});
  }, 0));
})();`;
