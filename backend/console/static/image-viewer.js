// The image viewer (templates/console/_image_viewer.html): a thumbnail opens its picture in a
// <dialog>. One script for every viewer on the page; each <dialog data-viewer="kind"> serves
// the links with class "kind-thumb". Without scripts the thumbnails stay links to the file.
(function () {
  document.querySelectorAll("dialog[data-viewer]").forEach(function (viewer) {
    var kind = viewer.dataset.viewer;
    var image = viewer.querySelector("img");
    var name = document.getElementById(kind + "-viewer-name");
    var altPrefix = viewer.dataset.altPrefix || "";
    document.querySelectorAll("a." + kind + "-thumb").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        image.src = link.href;
        image.alt = altPrefix + link.dataset.name;
        name.textContent = link.dataset.name;
        viewer.showModal();
      });
    });
    viewer.addEventListener("click", function (event) {
      if (event.target === viewer) viewer.close();  // a click on the backdrop
    });
  });
})();
