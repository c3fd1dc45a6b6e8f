// Render every chart on the page: <div data-chart="ID"> with its Vega-Lite spec in the
// <script type="application/json" id="ID"> written by Django's json_script.
// ast: true makes Vega interpret expressions instead of compiling them with new Function,
// so the charts work under the site's Content Security Policy (no 'unsafe-eval').
(function () {
  "use strict";

  function render(root) {
    if (typeof window.vegaEmbed !== "function") return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.rendered) return;
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      el.dataset.rendered = "1";
      var spec = JSON.parse(source.textContent);
      window
        .vegaEmbed(el, spec, { ast: true, actions: false, renderer: "svg" })
        .then(function (result) {
          var svg = el.querySelector("svg");
          if (svg) {
            // The table under the chart carries the values: the drawing is decoration
            // for assistive technology, named by the figure's caption.
            svg.setAttribute("aria-hidden", "true");
            svg.setAttribute("focusable", "false");
            // Vega's own English names for it ("Vega visualization") have no place on a
            // page in another language, and nothing reads them here
            // (vega-embed draws into the card's div itself and names that too)
            [el, svg]
              .concat(Array.from(svg.querySelectorAll("[aria-label], [aria-roledescription]")))
              .forEach(function (node) {
                node.removeAttribute("aria-label");
                node.removeAttribute("aria-roledescription");
                if (node === el) node.removeAttribute("role");
              });
          }
          el.classList.add("chart-ready");
          return result;
        })
        .catch(function (error) {
          el.dataset.rendered = "";
          el.classList.add("chart-failed");
          console.warn("chart not drawn:", error);
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    render(document);
  });
  // htmx swaps in new results: draw the charts they bring.
  document.addEventListener("htmx:load", function (event) {
    render(event.target);
  });
})();
