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
    if (entry.rating) { log.appendChild(ratingCard(entry)); log.scrollTop = log.scrollHeight; return; }
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
      if (entry.suggestions) { box.classList.add("suggestions"); }
    }
    if (entry.turn) { log.appendChild(thumbs(entry)); }
    log.scrollTop = log.scrollHeight;
  }

  function post(path, body) {
    return fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); });
  }

  function note(parent, text) {
    var old = parent.querySelector(".thanks");
    if (old) { old.remove(); }
    var span = document.createElement("span");
    span.className = "thanks";
    span.textContent = text;
    parent.appendChild(span);
  }

  // 👍 / 👎 under an answer; 👎 offers a reason (optional). Voting again replaces the vote.
  var REASONS = ["答非所问", "信息有误", "没看懂", "其他"];
  function thumbs(entry) {
    var bar = document.createElement("div");
    bar.className = "feedback";
    bar.setAttribute("data-turn", entry.turn);
    var reasons = document.createElement("div");
    reasons.className = "reasons";
    function mark() {
      up.classList.toggle("chosen", entry.vote === "up");
      down.classList.toggle("chosen", entry.vote === "down");
      up.setAttribute("aria-pressed", String(entry.vote === "up"));
      down.setAttribute("aria-pressed", String(entry.vote === "down"));
      Array.prototype.forEach.call(reasons.children, function (chip) {
        chip.classList.toggle("chosen", chip.textContent === entry.reason);
      });
      reasons.hidden = entry.vote !== "down";
    }
    function vote(value, reason) {
      var body = { turn: entry.turn, vote: value };
      if (reason) { body.reason = reason; }
      post("/api/feedback", body).then(function (answer) {
        if (!answer.ok) { note(bar, answer.data.error || "反馈没有保存，请稍后再试。"); return; }
        entry.vote = value;
        entry.reason = reason || null;
        save();
        mark();
        note(bar, answer.data.message || "感谢您的反馈！");
      }).catch(function () { note(bar, "网络异常，反馈没有保存。"); });
    }
    function button(label, title, value) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "thumb " + value;
      b.textContent = label;
      b.title = title;
      b.setAttribute("aria-label", title);
      b.addEventListener("click", function () { vote(value, null); });
      bar.appendChild(b);
      return b;
    }
    var up = button("👍 有用", "有帮助", "up");
    var down = button("👎 没用", "没帮助", "down");
    REASONS.forEach(function (reason) {
      var chip = document.createElement("button");
      chip.type = "button";
      chip.className = "reason";
      chip.textContent = reason;
      chip.addEventListener("click", function () { vote("down", reason); });
      reasons.appendChild(chip);
    });
    bar.appendChild(reasons);
    mark();
    return bar;
  }

  // 好差评: after a goodbye ("end") or once a hand-over has been closed ("handover").
  var LEVELS = [[5, "非常满意"], [4, "满意"], [3, "一般"], [2, "不满意"], [1, "非常不满意"]];
  function ratingCard(entry) {
    var card = document.createElement("div");
    card.className = "rating";
    card.setAttribute("data-occasion", entry.occasion);
    var title = document.createElement("div");
    title.className = "rating-title";
    title.textContent = entry.occasion === "handover" ? "人工客服已处理完您的问题，请为本次服务评价：" : "请为本次服务评价：";
    card.appendChild(title);
    var levels = document.createElement("div");
    levels.className = "levels";
    LEVELS.forEach(function (level) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = level[1];
      b.setAttribute("data-rating", level[0]);
      b.classList.toggle("chosen", entry.rated === level[0]);
      b.addEventListener("click", function () {
        post("/api/rating", { rating: level[0], occasion: entry.occasion }).then(function (answer) {
          if (!answer.ok) { note(card, answer.data.error || "评价没有保存，请稍后再试。"); return; }
          entry.rated = level[0];
          save();
          Array.prototype.forEach.call(levels.children, function (other) {
            other.classList.toggle("chosen", other === b);
          });
          note(card, answer.data.message || "感谢您的评价！");
        }).catch(function () { note(card, "网络异常，评价没有保存。"); });
      });
      levels.appendChild(b);
    });
    card.appendChild(levels);
    return card;
  }

  function offerRating(occasion) {
    state.offered = state.offered || {};
    if (state.offered[occasion]) { return; }
    state.offered[occasion] = true;
    add({ who: "bot", text: "", rating: true, occasion: occasion, rated: null, at: Date.now() });
  }

  function checkRatingDue() {
    fetch("/api/rating-due").then(function (r) { return r.json(); })
      .then(function (data) { if (data.rating) { offerRating(data.rating); } })
      .catch(function () {});
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
        var messages = data.messages || [];
        var turn = data.turn || null;
        messages.forEach(function (m, i) {
          var entry = { who: "bot", text: m.text || "", buttons: m.buttons || [], at: Date.now() };
          // The thumbs go under the last message of an answer (an answer, a question back or a decline).
          if (turn && turn.feedback && i === messages.length - 1) { entry.turn = turn.id; entry.vote = null; }
          add(entry);
        });
        if (turn && turn.rating) { offerRating(turn.rating); }
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

  // The welcome offers four suggested questions: the most asked topics, as buttons that send the topic.
  function welcome() {
    var entry = { who: "bot", text: "您好！我是黔建问答助手。可以问我贵州二级建造师注册的规定，也可以验证身份后查询本人的到期日和学时。",
                  at: Date.now() };
    add(entry);
    var row = log.lastChild;
    fetch("/api/suggestions").then(function (r) { return r.json(); }).then(function (data) {
      var buttons = (data.suggestions || []).slice(0, 4);
      if (!buttons.length || state.history[0] !== entry) { return; }
      entry.buttons = buttons;
      entry.suggestions = true;
      save();
      var box = document.createElement("div");
      box.className = "buttons suggestions";
      buttons.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = b.title;
        button.addEventListener("click", function () { send(b.payload, b.title); });
        box.appendChild(button);
      });
      log.insertBefore(box, row.nextSibling);
    }).catch(function () {});
  }

  state.history.forEach(render);
  showIdentity();
  if (!state.history.length) { welcome(); }
  // A hand-over is closed by the helpdesk while the page waits: ask again whenever the page is shown.
  checkRatingDue();
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { checkRatingDue(); }
  });
  window.addEventListener("focus", checkRatingDue);
})();
