// The chat page: text only (never HTML). What was shown is kept for this tab's session only (sessionStorage), so
// a reload continues but the next person at a shared PC does not see it; 退出 clears it and the server's identity.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("input");
  var typing = document.getElementById("typing");
  var KEY = "qianjian-chat";
  // The conversation itself is the server's signed cookie; only what was shown is kept here.
  var state = JSON.parse(sessionStorage.getItem(KEY) || "null") || { history: [], identity: null };
  localStorage.removeItem(KEY);  // what earlier versions kept without end
  var who = document.getElementById("who");
  var whoText = document.getElementById("who-text");
  var logoutButton = document.getElementById("logout");
  var composing = false;
  // A host page that knows the user passes a signed token (widget.js puts it after #token=).
  var token = (location.hash.match(/token=([^&]+)/) || [])[1];
  token = token ? decodeURIComponent(token) : "";
  var lastShown = 0;

  // What stays in this browser never holds a whole ID number (someone else may use the computer later).
  var ID_NUMBER = /[0-9\uFF10-\uFF19]{17}[0-9\uFF10-\uFF19XxＸｘ]/g;
  function masked(text) {
    return String(text).replace(ID_NUMBER, function (id) { return id.slice(0, 4) + "**********" + id.slice(14); });
  }
  function save() {
    state.history.forEach(function (entry) { entry.text = masked(entry.text); });
    sessionStorage.setItem(KEY, JSON.stringify(state));
  }

  function showIdentity() {
    var identity = state.identity;
    who.hidden = !identity;
    whoText.textContent = identity ? "已核对：" + identity.name + "（" + identity.masked + "）" : "";
  }

  function showTime(at) {
    if (at - lastShown < 5 * 60 * 1000) { return; }
    lastShown = at;
    var d = new Date(at);
    var t = document.createElement("div");
    t.className = "time";
    t.textContent = d.getHours() + ":" + String(d.getMinutes()).padStart(2, "0");
    log.appendChild(t);
  }

  // Text stays text: only http(s) addresses become links, built as elements, never as HTML.
  function appendWithLinks(parent, text) {
    var pattern = /https?:\/\/[^\s，。；）)]+/g;
    var last = 0, match;
    while ((match = pattern.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var link = document.createElement("a");
      link.href = match[0];
      link.textContent = match[0];
      link.target = "_blank";
      link.rel = "noopener";
      parent.appendChild(link);
      last = match.index + match[0].length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function render(entry) {
    showTime(entry.at);
    var row = document.createElement("div");
    row.className = "row " + entry.who;
    var avatar = document.createElement("div");
    avatar.className = "avatar";
    avatar.textContent = entry.who === "user" ? "我" : "助手";
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    appendWithLinks(bubble, entry.text);
    row.appendChild(avatar);
    row.appendChild(bubble);
    log.appendChild(row);
    if (entry.buttons && entry.buttons.length) {
      var box = document.createElement("div");
      box.className = "buttons";
      entry.buttons.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = b.title;
        button.addEventListener("click", function () { send(b.payload, b.title); });
        box.appendChild(button);
      });
      log.appendChild(box);
    }
    log.scrollTop = log.scrollHeight;
  }

  function add(entry) { state.history.push(entry); save(); render(entry); }

  function send(message, shown) {
    add({ who: "user", text: shown || message, at: Date.now() });
    typing.hidden = false;
    fetch("/api/chat", { method: "POST", headers: { "Content-Type": "application/json" },
                         body: JSON.stringify({ message: message,
                                                metadata: token ? { token: token } : {} }) })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.error) { add({ who: "bot", text: data.error, at: Date.now() }); return; }
        if ("identity" in data) { state.identity = data.identity; save(); showIdentity(); }
        (data.messages || []).forEach(function (m) {
          add({ who: "bot", text: m.text || "", buttons: m.buttons || [], at: Date.now() });
        });
      })
      .catch(function () { add({ who: "bot", text: "网络异常，请稍后再试。", at: Date.now() }); })
      .finally(function () { typing.hidden = true; });
  }

  logoutButton.addEventListener("click", function () {
    fetch("/api/logout", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        sessionStorage.removeItem(KEY);
        state = { history: [], identity: null };
        token = "";  // the host page's token belonged to the conversation just ended
        log.textContent = "";
        lastShown = 0;
        showIdentity();
        (data.messages || []).forEach(function (m) { add({ who: "bot", text: m.text || "", at: Date.now() }); });
      })
      .catch(function () { add({ who: "bot", text: "网络异常，退出没有完成，请再试一次。", at: Date.now() }); });
  });

  input.addEventListener("compositionstart", function () { composing = true; });
  input.addEventListener("compositionend", function () { composing = false; });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (composing || e.isComposing)) { e.preventDefault(); }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (composing) { return; }
    var text = input.value;
    if (!text.trim()) { return; }
    if (text.length > 500) { add({ who: "bot", text: "消息太长了，请控制在500个字以内。", at: Date.now() }); return; }
    input.value = "";
    send(text);
  });

  state.history.forEach(render);
  showIdentity();
  if (!state.history.length) {
    add({ who: "bot", text: "您好！我是黔建问答助手。可以问我贵州二级建造师注册的规定，也可以验证身份后查询本人的到期日和学时。", at: Date.now() });
  }
})();
