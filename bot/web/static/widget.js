// One script tag embeds the chat as a floating button on any site:
//   <script src="http://localhost:8000/widget.js" data-token="SIGNED_USER_TOKEN"></script>
// data-token (optional) is a signed user token (see bot/services/identity.py): the chat then knows the user.
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = new URL(script.src).origin;
  var token = script.getAttribute("data-token") || "";
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = "咨询";
  button.setAttribute("aria-label", "打开黔建问答助手");
  button.style.cssText = "position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:28px;" +
    "border:none;background:#07c160;color:#fff;font-size:15px;box-shadow:0 2px 8px rgba(0,0,0,.25);z-index:2147483000";
  var frame = document.createElement("iframe");
  frame.title = "黔建问答助手";
  frame.src = origin + "/" + (token ? "#token=" + encodeURIComponent(token) : "");
  frame.style.cssText = "position:fixed;right:20px;bottom:86px;width:375px;height:600px;max-width:calc(100vw - 40px);" +
    "max-height:calc(100vh - 110px);border:1px solid #d6d6d6;border-radius:8px;background:#ededed;display:none;z-index:2147483000";
  button.addEventListener("click", function () {
    frame.style.display = frame.style.display === "none" ? "block" : "none";
  });
  document.body.appendChild(frame);
  document.body.appendChild(button);
})();
