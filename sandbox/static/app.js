/* jointcheck sandbox page: talk to the bot through the emulator's control API as a demo person.
   Plain JS, no build step, no network beyond this server. Everything the bot sent is rendered
   from Telegram's text + entities; every other character is escaped. */
"use strict";

(() => {
  const I18N = {
    zh: {
      pickerTitle: "选择演示身份", pickerHint: "以此身份与机器人对话",
      sandboxNote: "沙箱：消息不会发往 Telegram", botStatus: "机器人", typing: "正在输入…",
      emptyTitle: "还没有消息", emptyHint: "点下方“开始”或发送 /start", start: "开始",
      pickFirst: "请先在左侧选择一个身份", placeholder: "消息", commandsTitle: "命令菜单",
      noCommands: "机器人还没有设置命令", locationTitle: "发送位置",
      locationPreset: "鄂州市（预设位置）", locationBrowser: "使用浏览器定位",
      edited: "已编辑", photo: "照片", location: "位置", contact: "联系人",
      document: "文件", today: "今天", me: "当前身份", langButton: "EN",
      failed: "发送失败：", noPersonas: "没有演示身份（用 --personas 提供）",
      locating: "正在定位…", locationDenied: "无法获取定位，已使用预设位置",
      openLink: "打开链接：", sendingPhoto: "正在上传照片…",
      clockLabel: "演示时钟", clockJump: "快进 1 个工作日", clockQueued: "已排队提醒：",
    },
    en: {
      pickerTitle: "Choose a demo person", pickerHint: "Chat with the bot as this person",
      sandboxNote: "Sandbox: nothing is sent to Telegram", botStatus: "bot", typing: "typing…",
      emptyTitle: "No messages yet", emptyHint: "Tap Start below or send /start",
      start: "Start", pickFirst: "Pick a person on the left first", placeholder: "Message",
      commandsTitle: "Commands", noCommands: "The bot has not set any commands",
      locationTitle: "Send location", locationPreset: "Ezhou (preset location)",
      locationBrowser: "Use browser location", edited: "edited", photo: "Photo",
      location: "Location", contact: "Contact", document: "File", today: "Today",
      me: "You are", langButton: "中文", failed: "Could not send: ",
      clockLabel: "Demo clock", clockJump: "Jump 1 working day", clockQueued: "Reminders queued: ",
      noPersonas: "No demo people (pass --personas)", locating: "Locating…",
      locationDenied: "Location unavailable; sent the preset location",
      openLink: "Open link: ", sendingPhoto: "Uploading photo…",
    },
  };
  // Ezhou municipal government, 鄂州市 (WGS-84)
  const EZHOU = { latitude: 30.391, longitude: 114.894 };
  const ROLE_CLASS = { 检查人员: "inspector", 组长: "team-leader", 部门管理员: "department-admin",
    分管领导: "supervisor" };
  // "检查人员（市场监管）", "组长 (English)": the role before its qualifier picks the colour
  const roleClass = (role) => ROLE_CLASS[String(role || "").split(/[（(]/)[0].trim()] || "other";

  const $ = (id) => document.getElementById(id);
  const state = {
    lang: localStorage.getItem("jc-lang") || "zh",
    personas: [],
    me: null,            // the persona chatting
    seq: 0,              // last event seen
    feed: 0,             // generation of the event loop (a new persona restarts it)
    rows: new Map(),     // message_id -> row element
    lastDay: null,
    chatState: null,
  };

  const t = (key) => (I18N[state.lang] || I18N.zh)[key] || I18N.zh[key] || key;

  function esc(text) {
    return String(text).replace(/[&<>"']/g, (c) => (
      { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  function safeUrl(url) {
    return /^(https?:\/\/|tg:\/\/|mailto:)/i.test(url || "") ? url : null;
  }

  async function api(path, options = {}) {
    const response = await fetch(path, options);
    if (!response.ok) {
      let detail = response.statusText;
      try { detail = (await response.json()).detail || detail; } catch (_) { /* not JSON */ }
      throw new Error(typeof detail === "string" ? detail : JSON.stringify(detail));
    }
    return response.json();
  }
  const postJson = (path, body) => api(path, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });

  /* ---------- Telegram entities to safe HTML ---------- */

  function renderText(text, entities) {
    const list = (entities || [])
      .filter((e) => e && e.length > 0 && e.offset >= 0 && e.offset + e.length <= text.length)
      .sort((a, b) => a.offset - b.offset || b.length - a.length);

    function build(start, end, items) {
      let html = "";
      let pos = start;
      let i = 0;
      while (i < items.length) {
        const e = items[i];
        if (e.offset < pos) { i += 1; continue; } // overlapping entities: keep the first
        const stop = Math.min(e.offset + e.length, end);
        html += esc(text.slice(pos, e.offset));
        const inner = [];
        let j = i + 1;
        while (j < items.length && items[j].offset < stop) {
          if (items[j].offset + items[j].length <= stop) inner.push(items[j]);
          j += 1;
        }
        html += wrap(e, build(e.offset, stop, inner), text.slice(e.offset, stop));
        pos = stop;
        i = j;
      }
      return html + esc(text.slice(pos, end));
    }
    return build(0, text.length, list);
  }

  function wrap(entity, inner, raw) {
    switch (entity.type) {
      case "bold": return `<b>${inner}</b>`;
      case "italic": return `<i>${inner}</i>`;
      case "underline": return `<u>${inner}</u>`;
      case "strikethrough": return `<s>${inner}</s>`;
      case "spoiler": return `<span class="spoiler">${inner}</span>`;
      case "code": return `<code>${inner}</code>`;
      case "pre": return `<pre><code>${inner}</code></pre>`;
      case "blockquote":
      case "expandable_blockquote": return `<blockquote>${inner}</blockquote>`;
      case "text_link": {
        const url = safeUrl(entity.url);
        return url ? `<a href="${esc(url)}" target="_blank" rel="noopener noreferrer">${inner}</a>`
          : inner;
      }
      case "url": {
        const url = safeUrl(raw);
        return url ? `<a href="${esc(url)}" target="_blank" rel="noopener noreferrer">${inner}</a>`
          : inner;
      }
      case "email": return `<a href="mailto:${esc(raw)}">${inner}</a>`;
      case "bot_command": return `<a class="cmd" data-cmd="${esc(raw)}">${inner}</a>`;
      case "mention":
      case "hashtag":
      case "cashtag":
      case "text_mention": return `<a>${inner}</a>`;
      default: return inner;
    }
  }

  /* ---------- language ---------- */

  function applyLanguage() {
    document.documentElement.lang = state.lang === "en" ? "en" : "zh-CN";
    document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    document.querySelectorAll("[data-i18n-placeholder]").forEach((el) => {
      el.placeholder = t(el.dataset.i18nPlaceholder);
    });
    $("lang").textContent = t("langButton");
    renderPersonas();
    renderMe();
    if (!state.me) $("empty").querySelector("[data-i18n=emptyHint]").textContent = t("pickFirst");
    $("start").hidden = !state.me;
  }

  function personaField(p, key) {
    return (state.lang === "en" && p[`${key}_en`]) || p[key] || "";
  }

  /* ---------- persona picker ---------- */

  const COLORS = ["#e17076", "#7bc862", "#65aadd", "#a695e7", "#ee7aae", "#6ec9cb", "#faa774"];
  function avatar(name, id) {
    const el = document.createElement("div");
    el.className = "avatar";
    el.style.background = COLORS[Math.abs(Number(id)) % COLORS.length];
    const words = (name || "?").trim().split(/\s+/);
    el.textContent = (words.length > 1 ? words[0][0] + words[1][0] : words[0].slice(0, 1))
      .toUpperCase();
    el.setAttribute("aria-hidden", "true");
    return el;
  }

  function renderPersonas() {
    const list = $("personas");
    list.textContent = "";
    if (!state.personas.length) {
      const li = document.createElement("li");
      li.className = "persona-meta";
      li.style.padding = "16px";
      li.textContent = t("noPersonas");
      list.append(li);
      return;
    }
    for (const p of state.personas) {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "persona" + (state.me && state.me.user_id === p.user_id ? " active" : "");
      button.dataset.userId = p.user_id;
      const role = personaField(p, "role");
      button.append(avatar(personaField(p, "name"), p.user_id));
      const body = document.createElement("div");
      body.className = "persona-body";
      body.innerHTML = `
        <div class="persona-top"><span class="persona-name">${esc(personaField(p, "name"))}</span>
          <span class="role role-${esc(roleClass(p.role))}">${esc(role)}</span></div>
        <div class="persona-meta">${esc(personaField(p, "department"))}</div>
        <div class="persona-desc">${esc(personaField(p, "description"))}</div>`;
      button.append(body);
      button.addEventListener("click", () => choose(p));
      li.append(button);
      list.append(li);
    }
  }

  function renderMe() {
    const me = $("me");
    if (!state.me) { me.textContent = ""; return; }
    me.innerHTML = `<span>${esc(t("me"))}</span><b>${esc(personaField(state.me, "name"))}</b>`;
  }

  async function choose(persona) {
    $("app").classList.remove("show-picker");
    $("app").classList.add("show-chat");
    await openChat(persona);
    $("text").focus({ preventScroll: true });
  }

  /* load a persona's chat and follow it live (also after a reset or a language switch) */
  async function openChat(persona) {
    // the page speaks the persona's language: an English-speaking persona gets English
    const personaLang = String(persona.language_code || "").toLowerCase().startsWith("en")
      ? "en" : "zh";
    if (state.me?.user_id !== persona.user_id && personaLang !== state.lang) {
      state.lang = personaLang;
      localStorage.setItem("jc-lang", state.lang);
      state.me = persona;
      applyLanguage();
    }
    state.me = persona;
    state.feed += 1;
    localStorage.setItem("jc-persona", String(persona.user_id));
    renderPersonas();
    renderMe();
    clearMessages();
    // a cursor beyond the end answers at once with the current position and no history
    const { seq } = await api(`/control/events?since=${Number.MAX_SAFE_INTEGER}&timeout=0`);
    state.seq = seq;
    const messages = await api(`/control/chats/${persona.user_id}/messages`);
    for (const m of messages) upsert(m, false);
    await refreshChatState();
    scrollDown(true);
    follow(state.feed);
  }

  function backToPicker() {
    $("app").classList.add("show-picker");
    $("app").classList.remove("show-chat");
  }

  /* ---------- messages ---------- */

  function clearMessages() {
    state.rows.clear();
    state.lastDay = null;
    const box = $("messages");
    [...box.children].forEach((child) => { if (child.id !== "empty") child.remove(); });
    $("empty").hidden = false;
    $("empty").querySelector("[data-i18n=emptyHint]").textContent = t("emptyHint");
    $("start").hidden = false;
    $("reply-keyboard").hidden = true;
  }

  function time(date) {
    return new Date(date * 1000).toLocaleTimeString(state.lang === "en" ? "en-GB" : "zh-CN", {
      hour: "2-digit", minute: "2-digit", timeZone: "Asia/Shanghai" });
  }

  function day(date) {
    const show = (seconds) => new Date(seconds * 1000).toLocaleDateString(
      state.lang === "en" ? "en-GB" : "zh-CN",
      { month: "long", day: "numeric", timeZone: "Asia/Shanghai" });
    const text = show(date);
    return text === show(Date.now() / 1000) ? t("today") : text;
  }

  function fileUrl(fileId) { return `/control/files/${encodeURIComponent(fileId)}`; }

  function sizeText(bytes) {
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }

  function bubbleHtml(m) {
    const msg = m.message;
    const meta = `<span class="meta">${m.edited ? `<span class="edited">${esc(t("edited"))}</span>` : ""}${esc(time(msg.date))}${m.from_bot ? "" : " ✓✓"}</span>`;
    let quote = "";
    if (msg.reply_to_message) {
      const r = msg.reply_to_message;
      const who = r.from && r.from.is_bot ? $("bot-name").textContent : (r.from && r.from.first_name) || "";
      const what = r.text || r.caption || (r.photo ? t("photo") : r.location ? t("location") : "");
      quote = `<div class="reply-quote"><b>${esc(who)}</b>${esc(what)}</div>`;
    }
    const body = m.text != null ? renderText(m.text, msg.entities)
      : m.caption != null ? renderText(m.caption, msg.caption_entities) : "";
    if (m.photo && m.photo.length) {
      const big = m.photo[m.photo.length - 1];
      const preview = m.photo.find((s) => s.width >= 640) || big;
      const caption = body ? `<div class="caption">${quote}${body}${meta}</div>` : "";
      return { cls: "bubble media", html: `<img class="photo" src="${fileUrl(preview.file_id)}" data-full="${fileUrl(big.file_id)}" width="${preview.width}" height="${preview.height}" alt="${esc(t("photo"))}" loading="lazy">${caption || meta.replace('class="meta"', 'class="meta over"')}` };
    }
    if (m.document) {
      const d = m.document;
      const ext = (d.file_name || "").split(".").pop().slice(0, 4).toUpperCase() || "FILE";
      const caption = body ? `<div class="caption">${body}</div>` : "";
      return { cls: "bubble", html: `${quote}<a class="doc" href="${fileUrl(d.file_id)}" download="${esc(d.file_name || "file")}"><span class="doc-icon">${esc(ext)}</span><span><div class="doc-name">${esc(d.file_name || t("document"))}</div><div class="doc-size">${sizeText(d.file_size || 0)}</div></span></a>${caption}${meta}` };
    }
    if (m.location) {
      const { latitude, longitude } = m.location;
      return { cls: "bubble media", html: `<div class="map" role="img" aria-label="${esc(t("location"))}"><svg class="pin" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z"/></svg><span class="coords">${latitude.toFixed(5)}, ${longitude.toFixed(5)}</span></div>${meta.replace('class="meta"', 'class="meta over"')}` };
    }
    if (m.contact) {
      const c = m.contact;
      return { cls: "bubble", html: `<div class="contact"><div class="avatar">${esc((c.first_name || "?").slice(0, 1))}</div><div><b>${esc([c.first_name, c.last_name].filter(Boolean).join(" "))}</b><div class="doc-size">${esc(c.phone_number)}</div></div></div>${meta}` };
    }
    return { cls: "bubble", html: `${quote}${body}${meta}` };
  }

  function keyboardEl(m) {
    const rows = (m.reply_markup && m.reply_markup.inline_keyboard) || [];
    if (!rows.length) return null;
    const box = document.createElement("div");
    box.className = "keyboard";
    for (const row of rows) {
      const line = document.createElement("div");
      line.className = "kb-row";
      for (const button of row) {
        const el = document.createElement("button");
        el.type = "button";
        el.className = "kb-btn" + (button.url ? " link" : "");
        el.textContent = button.text;
        el.addEventListener("click", () => pressInline(m, button, el));
        line.append(el);
      }
      box.append(line);
    }
    return box;
  }

  function upsert(m, animate = true) {
    if (!state.me || m.chat_id !== state.me.user_id) return;
    const existing = state.rows.get(m.message_id);
    if (m.deleted) { if (existing) existing.remove(); state.rows.delete(m.message_id); return; }
    const row = document.createElement("div");
    row.className = `row ${m.from_bot ? "in" : "out"}`;
    row.dataset.messageId = m.message_id;
    const { cls, html } = bubbleHtml(m);
    const bubble = document.createElement("div");
    bubble.className = cls;
    bubble.innerHTML = html;
    row.append(bubble);
    const keyboard = keyboardEl(m);
    if (keyboard) row.append(keyboard);
    if (existing) {
      existing.replaceWith(row);
      row.classList.add("flash");
      // an edited message (a tapped 详情 / page button) is brought into view (issue 9 item 20)
      if (animate) row.scrollIntoView({ block: "nearest" });
    } else {
      const dayText = day(m.message.date);
      if (dayText !== state.lastDay) {
        const sep = document.createElement("div");
        sep.className = "day";
        sep.textContent = dayText;
        $("messages").append(sep);
        state.lastDay = dayText;
      }
      if (animate) row.classList.add("appear");
      $("messages").append(row);
    }
    state.rows.set(m.message_id, row);
    $("empty").hidden = state.rows.size > 0;
    row.querySelectorAll("img.photo").forEach((img) => img.addEventListener("load", () => scrollDown()));
  }

  function removeMessage(messageId) {
    const row = state.rows.get(messageId);
    if (row) row.remove();
    state.rows.delete(messageId);
    $("empty").hidden = state.rows.size > 0;
  }

  function scrollDown(force = false) {
    const box = $("messages");
    const near = box.scrollHeight - box.scrollTop - box.clientHeight < 240;
    if (force || near) box.scrollTop = box.scrollHeight;
  }

  /* ---------- the live feed ---------- */

  let typingTimer = null;
  function showTyping(on) {
    const status = $("bot-status");
    status.textContent = on ? t("typing") : t("botStatus");
    status.classList.toggle("typing", on);
    clearTimeout(typingTimer);
    if (on) typingTimer = setTimeout(() => showTyping(false), 5000);
  }

  function handle(event) {
    switch (event.type) {
      case "message":
        upsert(event.message);
        if (event.message.from_bot) showTyping(false);
        scrollDown(!event.message.from_bot);
        break;
      case "edit": upsert(event.message); break;
      case "delete": removeMessage(event.message_id); break;
      case "answer": onAnswer(event.answer); break;
      case "action": showTyping(true); break;
      case "keyboard":
      case "commands": refreshChatState(); break;
      case "reset": openChat(state.me); break;
      case "personas": reloadPersonas(); break;
      default: break;
    }
  }

  async function follow(generation) {
    while (generation === state.feed && state.me) {
      try {
        const chat = state.me.user_id;
        const data = await api(`/control/events?since=${state.seq}&chat_id=${chat}&timeout=25`);
        if (generation !== state.feed) return;
        if (data.seq < state.seq) {  // the emulator restarted: start over
          openChat(state.me);
          return;
        }
        state.seq = data.seq;
        data.events.forEach(handle);
      } catch (_) {
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
    }
  }

  async function refreshChatState() {
    if (!state.me) return;
    try {
      state.chatState = await api(`/control/chats/${state.me.user_id}/state`);
    } catch (_) { return; }
    renderReplyKeyboard(state.chatState.reply_keyboard);
    if (state.chatState.action) showTyping(true);
  }

  function renderReplyKeyboard(markup) {
    const box = $("reply-keyboard");
    box.textContent = "";
    if (!markup || !markup.keyboard || !markup.keyboard.length) { box.hidden = true; return; }
    for (const row of markup.keyboard) {
      const line = document.createElement("div");
      line.className = "kb-row";
      for (const button of row) {
        const el = document.createElement("button");
        el.type = "button";
        el.className = "kb-btn";
        el.textContent = button.text;
        el.addEventListener("click", () => pressReply(button, markup));
        line.append(el);
      }
      box.append(line);
    }
    box.hidden = false;
  }

  /* ---------- acting as the user ---------- */

  function toast(text) {
    const el = $("toast");
    el.textContent = text;
    el.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { el.hidden = true; }, 2600);
  }

  function alertBox(text) {
    $("alert-text").textContent = text;
    $("alert").hidden = false;
    $("alert-ok").focus();
  }

  function onAnswer(answer) {
    if (!state.me || answer.user_id !== state.me.user_id) return;
    document.querySelectorAll(".kb-btn.busy").forEach((b) => b.classList.remove("busy"));
    if (answer.url) toast(t("openLink") + answer.url);
    if (!answer.text) return;
    if (answer.show_alert) alertBox(answer.text); else toast(answer.text);
  }

  async function sendText(text) {
    const value = text.trim();
    if (!value || !state.me) return;
    try {
      await postJson("/control/send", { user_id: state.me.user_id, text: value });
    } catch (error) { toast(t("failed") + error.message); }
  }

  async function pressInline(m, button, el) {
    if (button.url) { window.open(safeUrl(button.url) || "about:blank", "_blank", "noopener"); return; }
    if (button.callback_data == null) { toast(button.text); return; }
    el.classList.add("busy");
    setTimeout(() => el.classList.remove("busy"), 4000);
    try {
      await postJson("/control/tap", { user_id: state.me.user_id, message_id: m.message_id,
        callback_data: button.callback_data });
    } catch (error) { el.classList.remove("busy"); toast(t("failed") + error.message); }
  }

  async function pressReply(button, markup) {
    if (button.request_location) { await sendLocation(EZHOU); }
    else if (button.request_contact) {
      await postJson("/control/contact", { user_id: state.me.user_id,
        phone_number: `+86138${String(state.me.user_id).padStart(8, "0").slice(-8)}`,
        first_name: state.me.name });
    } else { await sendText(button.text); }
    if (markup.one_time_keyboard) $("reply-keyboard").hidden = true;
  }

  async function sendLocation(point) {
    try {
      await postJson("/control/location", { user_id: state.me.user_id, ...point });
    } catch (error) { toast(t("failed") + error.message); }
  }

  async function sendPhoto(file) {
    if (!file || !state.me) return;
    const form = new FormData();
    form.append("user_id", String(state.me.user_id));
    form.append("file", file, file.name || "photo.jpg");
    const caption = $("text").value.trim();
    if (caption) form.append("caption", caption);
    toast(t("sendingPhoto"));
    try {
      await api("/control/photo", { method: "POST", body: form });
      $("text").value = "";
      autoGrow();
      $("toast").hidden = true;
    } catch (error) { toast(t("failed") + error.message); }
  }

  /* sheets open just above the input row, whatever the reply keyboard below it takes */
  function placeSheet(sheet) {
    const chat = $("chat").getBoundingClientRect();
    const composer = $("composer").getBoundingClientRect();
    sheet.style.bottom = `${Math.round(chat.bottom - composer.top + 6)}px`;
  }

  function showCommands() {
    const sheet = $("commands");
    if (!sheet.hidden) { sheet.hidden = true; return; }
    $("location-sheet").hidden = true;
    const list = $("command-list");
    list.textContent = "";
    const commands = (state.chatState && state.chatState.commands) || [];
    if (!commands.length) {
      const li = document.createElement("li");
      li.className = "sheet-title";
      li.textContent = t("noCommands");
      list.append(li);
    }
    for (const c of commands) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "command";
      b.innerHTML = `<span class="name">/${esc(c.command)}</span><span class="desc">${esc(c.description)}</span>`;
      b.addEventListener("click", () => { sheet.hidden = true; sendText(`/${c.command}`); });
      li.append(b);
      list.append(li);
    }
    placeSheet(sheet);
    sheet.hidden = false;
  }

  function autoGrow() {
    const box = $("text");
    box.style.height = "auto";
    box.style.height = `${Math.min(box.scrollHeight, 140)}px`;
  }

  function wire() {
    $("lang").addEventListener("click", () => {
      state.lang = state.lang === "zh" ? "en" : "zh";
      localStorage.setItem("jc-lang", state.lang);
      applyLanguage();
      if (state.me) openChat(state.me);  // times and labels in the new language
    });
    $("back").addEventListener("click", backToPicker);
    $("composer").addEventListener("submit", (event) => {
      event.preventDefault();
      const text = $("text").value;
      $("text").value = "";
      autoGrow();
      $("commands").hidden = true;
      sendText(text);
    });
    $("text").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        $("composer").requestSubmit();
      }
    });
    $("text").addEventListener("input", () => {
      autoGrow();
      if ($("text").value === "/") showCommands();
    });
    $("menu").addEventListener("click", showCommands);
    $("start").addEventListener("click", () => sendText("/start"));
    $("photo-input").addEventListener("change", (event) => {
      sendPhoto(event.target.files[0]);
      event.target.value = "";
    });
    $("location").addEventListener("click", () => {
      $("commands").hidden = true;
      placeSheet($("location-sheet"));
      $("location-sheet").hidden = !$("location-sheet").hidden;
    });
    $("loc-preset").addEventListener("click", () => {
      $("location-sheet").hidden = true;
      sendLocation(EZHOU);
    });
    $("loc-browser").addEventListener("click", () => {
      $("location-sheet").hidden = true;
      if (!navigator.geolocation) { toast(t("locationDenied")); sendLocation(EZHOU); return; }
      toast(t("locating"));
      navigator.geolocation.getCurrentPosition(
        (pos) => sendLocation({ latitude: pos.coords.latitude, longitude: pos.coords.longitude }),
        () => { toast(t("locationDenied")); sendLocation(EZHOU); },
        { timeout: 5000 });
    });
    $("alert-ok").addEventListener("click", () => { $("alert").hidden = true; });
    $("viewer").addEventListener("click", () => { $("viewer").hidden = true; });
    $("messages").addEventListener("click", (event) => {
      const target = event.target;
      if (target.matches("a.cmd")) { sendText(target.dataset.cmd); return; }
      if (target.matches(".spoiler")) { target.classList.add("shown"); return; }
      if (target.matches("img.photo")) {
        $("viewer-img").src = target.dataset.full || target.src;
        $("viewer").hidden = false;
      }
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        $("commands").hidden = true;
        $("location-sheet").hidden = true;
        $("viewer").hidden = true;
        $("alert").hidden = true;
      }
    });
  }

  async function reloadPersonas() {
    state.personas = await api("/control/personas").catch(() => state.personas);
    renderPersonas();
  }

  /* ---------- the demo clock (jointcheck demo only: 404 elsewhere, then hidden) ---------- */

  function showClock(clock) {
    $("clock-now").textContent = clock.now.replace("T", " ").slice(0, 16);
    $("clock-now").dateTime = clock.now;
    $("demo-clock").hidden = false;
  }

  async function loadClock() {
    try { showClock(await api("/control/clock")); } catch (_) { /* no demo clock here */ }
    $("clock-jump").addEventListener("click", async () => {
      $("clock-jump").disabled = true;
      try {
        const clock = await postJson("/control/clock", { working_days: 1 });
        showClock(clock);
        toast(t("clockQueued") + clock.queued);
      } catch (error) {
        toast(t("failed") + error.message);
      } finally {
        $("clock-jump").disabled = false;
      }
    });
  }

  async function boot() {
    wire();
    loadClock();
    try {
      const bot = await api("/control/bot");
      $("bot-name").textContent = bot.first_name || bot.username;
      document.title = `${bot.first_name} · sandbox`;
    } catch (_) { /* the header keeps its default */ }
    state.personas = await api("/control/personas").catch(() => []);
    applyLanguage();
    const saved = Number(localStorage.getItem("jc-persona"));
    const again = state.personas.find((p) => p.user_id === saved);
    const wide = window.matchMedia("(min-width: 761px)").matches;
    if (again && wide) choose(again);
  }

  boot();
})();
