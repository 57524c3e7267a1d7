// Draws a procedure's BPMN diagram with its current steps highlighted (docs/procedures.md).
//
// The page provides, with Django's json_script filter (no inline script):
//   <div id="bpmn-canvas" class="bpmn-canvas"></div>
//   {{ bpmn|json_script:"bpmn-data" }}   where bpmn = {"xml": diagram_xml(name), "current": current_step_ids(...)}
// and loads vendor/bpmn-js/bpmn-viewer.production.min.js, vendor/bpmn-js/diagram-js.css,
// vendor/bpmn-js/bpmn-js.css, oneseal/bpmn-view.css, then this file (all with `defer`).
(function () {
  "use strict";

  const CURRENT = "oneseal-current-step";

  async function draw(container, data) {
    const viewer = new window.BpmnJS({ container });
    try {
      await viewer.importXML(data.xml);
    } catch (error) {
      container.dataset.bpmnError = "true";
      container.textContent = container.dataset.errorText || "The procedure diagram cannot be drawn.";
      return;
    }
    const canvas = viewer.get("canvas");
    const registry = viewer.get("elementRegistry");
    canvas.zoom("fit-viewport", "auto");
    for (const id of data.current || []) {
      if (registry.get(id)) {
        canvas.addMarker(id, CURRENT);
      }
    }
    container.dataset.bpmnReady = "true"; // lets browser tests wait for the drawing
  }

  function init() {
    const container = document.getElementById("bpmn-canvas");
    const source = document.getElementById("bpmn-data");
    if (!container || !source || typeof window.BpmnJS !== "function") {
      return;
    }
    let data;
    try {
      data = JSON.parse(source.textContent);
    } catch (error) {
      return;
    }
    if (data && typeof data.xml === "string") {
      draw(container, data);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
