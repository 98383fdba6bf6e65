// Starts Swagger UI on /api/docs with the document URL the page names (no inline script).
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    tryItOutEnabled: true,
    validatorUrl: null, // the default badge calls an outside validator: stay offline
  });
});
