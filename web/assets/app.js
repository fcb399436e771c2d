// Progressive enhancement only: the app works without this file.
// Ask before revoking an API key.
document.addEventListener("submit", function (ev) {
  var f = ev.target;
  if (f.action && f.action.indexOf("/admin/keys/revoke") >= 0 && !window.confirm("Revoke this API key? Brokers using it will be refused.")) {
    ev.preventDefault();
  }
});
