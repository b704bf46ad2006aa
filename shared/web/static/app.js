// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // The receipt's print button: shown only when it can work.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // "Exit this page": the link, or Escape pressed three times within 5 seconds of each
  // other (as GOV.UK's component does with Shift). The page is blanked at once and
  // replaced in the history by the neutral page the link leads to.
  var exit = document.querySelector("[data-exit]");
  if (exit) {
    var link = exit.querySelector("a");
    var status = document.createElement("span");
    status.setAttribute("role", "status");
    status.className = "visually-hidden";
    exit.appendChild(status);
    var lights = document.createElement("span");
    lights.className = "exit-lights";
    lights.setAttribute("aria-hidden", "true");
    for (var i = 0; i < 3; i += 1) {
      lights.appendChild(document.createElement("span"));
    }
    link.appendChild(lights);
    var pressed = 0;
    var timer = null;
    var show = function () {
      lights.classList.toggle("visible", pressed > 0);
      Array.prototype.forEach.call(lights.children, function (light, index) {
        light.classList.toggle("on", index < pressed);
      });
    };
    var reset = function () {
      if (timer) { window.clearTimeout(timer); timer = null; }
      if (pressed) { status.textContent = exit.getAttribute("data-timed-out"); }
      pressed = 0;
      show();
    };
    var leave = function () {
      var overlay = document.createElement("div");
      overlay.className = "exit-overlay";
      overlay.setAttribute("role", "alert");
      document.body.classList.add("exiting");
      document.body.appendChild(overlay);
      overlay.textContent = exit.getAttribute("data-leaving");
      window.location.replace(link.href);
    };
    link.addEventListener("click", function (event) {
      event.preventDefault();
      leave();
    });
    document.addEventListener("keyup", function (event) {
      var plain = !(event.shiftKey || event.ctrlKey || event.altKey || event.metaKey);
      if (event.key === "Escape" && plain) {
        pressed += 1;
        show();
        if (timer) { window.clearTimeout(timer); }
        if (pressed >= 3) {
          pressed = 0;
          leave();
          return;
        }
        status.textContent = exit.getAttribute(pressed === 1 ? "data-pressed-1" : "data-pressed-2");
        timer = window.setTimeout(reset, 5000);
      } else if (pressed) {
        reset();
      }
    }, true);
    window.addEventListener("pageshow", function () {
      document.body.classList.remove("exiting");
      document.querySelectorAll(".exit-overlay").forEach(function (overlay) { overlay.remove(); });
      pressed = 0;
      show();
    });
  }

  // Questions shown under an answer (the identity of a named reporter): without this file
  // they are asked on the next page instead. Hidden questions are disabled, so they are
  // not sent.
  document.querySelectorAll("input[data-reveals]").forEach(function (radio) {
    var box = document.getElementById(radio.getAttribute("data-reveals"));
    if (!box) { return; }
    var group = document.querySelectorAll("input[type=radio][name='" + radio.name + "']");
    var update = function () {
      box.hidden = !radio.checked;
      box.querySelectorAll("input, select, textarea").forEach(function (control) {
        control.disabled = !radio.checked;
      });
    };
    radio.setAttribute("aria-controls", box.id);
    group.forEach(function (other) { other.addEventListener("change", update); });
    update();
  });

  // How many characters are left in a box with a limit. Without this file the limit is
  // still written beside the box, and a longer text is refused and kept, never cut.
  document.querySelectorAll("textarea[data-limit]").forEach(function (box) {
    var limit = parseInt(box.getAttribute("data-limit"), 10);
    var status = document.getElementById(box.id + "-count");
    if (!status || !limit) { return; }
    var format = new Intl.NumberFormat(document.documentElement.lang);
    var left = status.getAttribute("data-left");
    var over = status.getAttribute("data-over");
    var pending = null;
    var count = function () {
      var length = Array.from(box.value.replace(/\r\n?/g, "\n").trim()).length;
      var remaining = limit - length;
      var text = (remaining >= 0 ? left : over).replace("%(count)s",
        format.format(Math.abs(remaining)));
      status.classList.toggle("over", remaining < 0);
      if (pending) { window.clearTimeout(pending); }
      pending = window.setTimeout(function () { status.textContent = text; }, 400);
    };
    status.hidden = false;
    box.addEventListener("input", count);
    count();
  });

  // A form is sent once, however many times its button is pressed.
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sending") === "true") {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-sending", "true");
      window.setTimeout(function () { form.removeAttribute("data-sending"); }, 10000);
    });
  });

  // A page shown once (the receipt) is never shown again from the back-forward cache:
  // asked for again, the server answers that it has expired.
  window.addEventListener("pageshow", function (event) {
    document.querySelectorAll("form").forEach(function (form) {
      form.removeAttribute("data-sending");
    });
    if (event.persisted && document.body.hasAttribute("data-one-time")) {
      window.location.reload();
    }
  });
})();
