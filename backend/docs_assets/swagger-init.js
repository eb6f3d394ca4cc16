// Starts Swagger UI on /api/docs with the settings the page carries as JSON.
(function () {
  var config = JSON.parse(document.getElementById("swagger-ui-config").textContent);
  window.ui = SwaggerUIBundle(config);
})();
