// Progressive enhancement only: the app works without this file.
// Ask before revoking an API key.
document.addEventListener("submit", function (ev) {
  var f = ev.target;
  if (f.action && f.action.indexOf("/admin/keys/revoke") >= 0 && !window.confirm("Revoke this API key? Brokers using it will be refused.")) {
    ev.preventDefault();
  }
});

// Issue 15: the upload form is sent by XMLHttpRequest with a progress bar:
// bytes sent, then rows screened (GET /upload/progress with the upload's
// token, the form field "progress", which comes before the file). The
// server's redirect to the run is followed; an error is shown above the
// form, which keeps what was typed. Without this script the form posts as
// usual.
(function () {
  var form = document.getElementById("upload");
  var box = document.getElementById("upload-status");
  if (!form || !box || !window.XMLHttpRequest || !window.FormData) {
    return;
  }
  var bar = document.getElementById("upload-bar");
  var text = document.getElementById("upload-text");
  var errBox = document.getElementById("upload-error");
  var tokField = document.getElementById("progress-id");
  var button = document.getElementById("screen");

  function size(n) { return n < 102400 ? Math.ceil(n / 1024) + " KB" : (n / 1048576).toFixed(1) + " MB"; }
  function token() {
    if (!window.crypto || !window.crypto.getRandomValues) {
      return "";
    }
    var b = new Uint8Array(16), s = "";
    window.crypto.getRandomValues(b);
    for (var i = 0; i < b.length; i++) {
      s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
    }
    return s;
  }
  function indeterminate() { bar.removeAttribute("value"); }
  function showError(msg) {
    box.hidden = true;
    button.disabled = false;
    errBox.textContent = msg;
    errBox.hidden = false;
  }
  // errorMessage takes the message out of the server's error page.
  function errorMessage(xhr) {
    var msg = "";
    try {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var p = doc.querySelector("main .error");
      if (p) {
        msg = p.textContent.trim();
      }
    } catch (e) { /* not HTML */ }
    return msg || "the upload failed (HTTP " + xhr.status + ")";
  }

  form.addEventListener("submit", function (ev) {
    if (ev.defaultPrevented) {
      return;
    }
    ev.preventDefault();
    var tok = token();
    tokField.value = tok;
    var data = new FormData(form);
    var xhr = new XMLHttpRequest();
    var finished = false, sentAll = false, sent = "Sent";

    errBox.hidden = true;
    button.disabled = true;
    box.hidden = false;
    indeterminate();
    text.textContent = "Sending…";

    function poll() {
      if (finished || !tok) {
        return;
      }
      fetch("/upload/progress?id=" + tok, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (p) {
          if (finished) {
            return;
          }
          if (p) {
            text.textContent = sent + "; " + p.rows.toLocaleString("en-US") + " rows screened" + (p.done ? ", saving the run…" : " so far…");
          } else {
            text.textContent = sent + "; waiting for the server to start screening…";
          }
          window.setTimeout(poll, 500);
        }, function () {
          if (!finished) {
            window.setTimeout(poll, 1000);
          }
        });
    }

    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable || sentAll) {
        return;
      }
      bar.max = e.total;
      bar.value = e.loaded;
      sent = "Sent " + size(e.total);
      text.textContent = "Sent " + size(e.loaded) + " of " + size(e.total);
    };
    xhr.upload.onload = function () {
      sentAll = true;
      indeterminate();
      text.textContent = sent + "; screening…";
      poll();
    };
    xhr.onload = function () {
      finished = true;
      if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL) {
        // The 303 was followed: go to the run (the page is fetched again,
        // as a normal navigation).
        bar.max = 1;
        bar.value = 1;
        text.textContent = "Screened; opening the run…";
        window.location.assign(xhr.responseURL);
        return;
      }
      showError(errorMessage(xhr));
    };
    xhr.onerror = function () {
      finished = true;
      showError("the upload was cut off before the server answered (the file may be larger than the server accepts); try again");
    };
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "text/html");
    xhr.send(data);
  });
})();
