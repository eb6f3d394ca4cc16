// The add-group form: an app chat holds WeCom members only, so it is internal and the server
// refuses it as external. Choosing it selects 内部群 and takes 外部群 off the list.
(function () {
  var form = document.getElementById("add-group-chat");
  if (!form) return;
  var channel = form.elements.channel;
  var profile = form.elements.profile;
  var external = profile.querySelector('option[value="external"]');
  function follow() {
    var appChat = channel.value === "wecom_appchat";
    external.disabled = appChat;
    if (appChat) profile.value = "internal";
  }
  channel.addEventListener("change", follow);
  follow();
})();
