/* The website chat widget. Served inside /webchat/widget.js, which defines `io` (the Socket.IO
 * client) and `WIDGET_CSS` in the enclosing function scope (channels/webchat_static.py).
 *
 * Embed:  <script src="https://support.example.com/webchat/widget.js" defer
 *                 data-title="Demo Shop support" data-greeting="Hi! How can we help?"></script>
 * Options are data- attributes of that tag, or window.SupportWidgetOptions = {...} set before it.
 * data-language="ja" chooses the widget's own texts (UI_TEXTS); without it, the browser's language.
 *
 * Everything the server or the page sends is rendered with textContent / createElement, never as
 * HTML; links become <a> only for http(s) URLs, images only from http(s) sources.
 */

const script = document.currentScript;

// Every text the widget itself shows or says to screen readers, by language (the messages come
// from the server, in the conversation's language). "{name}" is a value filled in by fill().
// title, placeholder, launcherLabel and botName are the defaults of the options of the same name:
// what the page sets (data-title, …) wins. orderFields are the order card's labels, as in
// bot/i18n/messages/cards.py.
const UI_TEXTS = {
  en: {
    title: "Chat with us",
    placeholder: "Type your message…",
    launcherLabel: "Open chat",
    botName: "Assistant",
    launcherUnread: "{label} ({count} unread)",
    closeChat: "Close chat",
    conversation: "Conversation",
    messageLabel: "Your message",
    send: "Send",
    assistantTyping: "The assistant is typing…",
    personTyping: "{who} is typing…",
    suggestedReplies: "Suggested replies",
    youPrefix: "You: ",
    assistantPrefix: "Assistant: ",
    agentPrefix: "{agent}: ",
    agentAuthor: "{agent} · support team",
    imageAlt: "Image from the assistant",
    pleaseChoose: "Please choose:",
    notSent: "Not sent",
    notConnected: "Not connected. Your message will be sent when the connection is back.",
    connectionLost: "Connection lost. Reconnecting…",
    cannotConnect: "Can't reach the chat right now. Retrying…",
    orderTitle: "Order {number}",
    orderFields: {
      items: "Items",
      total: "Total",
      placed: "Placed",
      carrier: "Carrier",
      tracking_number: "Tracking number",
      estimated_delivery: "Estimated delivery",
      delivered: "Delivered",
      ship_to: "Shipping to",
    },
  },
  ja: {
    title: "チャットでお問い合わせ",
    placeholder: "メッセージを入力…",
    launcherLabel: "チャットを開く",
    botName: "アシスタント",
    launcherUnread: "{label}（未読 {count} 件）",
    closeChat: "チャットを閉じる",
    conversation: "会話",
    messageLabel: "メッセージ",
    send: "送信",
    assistantTyping: "アシスタントが入力中です…",
    personTyping: "{who}が入力中です…",
    suggestedReplies: "返信の候補",
    youPrefix: "あなた：",
    assistantPrefix: "アシスタント：",
    agentPrefix: "{agent}：",
    agentAuthor: "{agent}（サポート担当）",
    imageAlt: "アシスタントからの画像",
    pleaseChoose: "以下からお選びください：",
    notSent: "未送信",
    notConnected: "接続されていません。接続が戻りしだい、メッセージを送信します。",
    connectionLost: "接続が切れました。再接続しています…",
    cannotConnect: "ただいまチャットに接続できません。再試行しています…",
    orderTitle: "ご注文番号 {number}",
    orderFields: {
      items: "商品",
      total: "合計",
      placed: "ご注文日",
      carrier: "配送業者",
      tracking_number: "追跡番号",
      estimated_delivery: "お届け予定日",
      delivered: "お届け日",
      ship_to: "お届け先",
    },
  },
};

// The locales times are written in: the browser's own for English (as always), Japanese for ja.
const TIME_LOCALES = { en: [], ja: "ja-JP" };

/** "ja", "ja-JP", "ja_JP" → "ja"; any other language tag (or none) → "en". */
function uiLanguage(tag) {
  const primary = typeof tag === "string" ? tag.trim().replace(/_/g, "-").split("-")[0].toLowerCase() : "";
  return primary === "ja" ? "ja" : "en";
}

const TEXT_OPTIONS = ["title", "placeholder", "launcherLabel", "botName"]; // defaults from UI_TEXTS

const DEFAULTS = {
  serverUrl: "",
  socketPath: "/socket.io/",
  language: "",
  title: null,
  greeting: "",
  placeholder: null,
  launcherLabel: null,
  primaryColor: "",
  textColor: "",
  position: "right",
  open: false,
  customerName: "",
  customerEmail: "",
  botName: null,
  transports: "polling,websocket",
};

function readOptions() {
  const data = (script && script.dataset) || {};
  const options = Object.assign({}, DEFAULTS);
  for (const key of Object.keys(DEFAULTS)) {
    if (data[key] !== undefined) options[key] = data[key];
  }
  const fromPage = window.SupportWidgetOptions;
  if (fromPage && typeof fromPage === "object") {
    Object.assign(options, fromPage);
    if (fromPage.customer) {
      options.customerName = fromPage.customer.name || options.customerName;
      options.customerEmail = fromPage.customer.email || options.customerEmail;
    }
  }
  if (!options.serverUrl) {
    options.serverUrl = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  }
  options.serverUrl = String(options.serverUrl).replace(/\/+$/, "");
  options.open = options.open === true || options.open === "true";
  options.position = options.position === "left" ? "left" : "right";
  options.transports = String(options.transports)
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t === "polling" || t === "websocket");
  if (!options.transports.length) options.transports = ["polling", "websocket"];
  options.language = typeof options.language === "string" ? options.language.trim() : "";
  options.uiLanguage = uiLanguage(options.language || navigator.language);
  const texts = UI_TEXTS[options.uiLanguage];
  for (const key of TEXT_OPTIONS) {
    if (options[key] === null || options[key] === undefined) options[key] = texts[key];
  }
  return options;
}

// --- small helpers ---------------------------------------------------------------------------------

function newId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const storage = {
  get(area, key) {
    try {
      return window[area].getItem(key);
    } catch (err) {
      return null; // storage disabled (privacy mode, sandboxed frame): the session lasts this page
    }
  },
  set(area, key, value) {
    try {
      if (value === null) window[area].removeItem(key);
      else window[area].setItem(key, value);
    } catch (err) {
      /* see get() */
    }
  },
};

const ICON_CHAT =
  "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z" +
  "M7 9h10v2H7zm0 4h7v2H7z";
const ICON_BOT =
  "M12 2a2 2 0 0 1 1 3.73V7h4a3 3 0 0 1 3 3v7a3 3 0 0 1-3 3H7a3 3 0 0 1-3-3v-7a3 3 0 0 1 3-3h4V5.73A2 2 0 0 1 12 2z" +
  "M9 11.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm6 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z";
const ICON_CLOSE = "M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z";

function icon(path) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const shape = document.createElementNS(ns, "path");
  shape.setAttribute("d", path);
  shape.setAttribute("fill-rule", "evenodd");
  svg.appendChild(shape);
  return svg;
}

// --- the widget --------------------------------------------------------------------------------------

function createWidget(options) {
  const texts = UI_TEXTS[options.uiLanguage] || UI_TEXTS.en;
  const timeLocales = TIME_LOCALES[options.uiLanguage] || TIME_LOCALES.en;
  const sessionKey = "support-widget:session:" + options.serverUrl;
  const openKey = "support-widget:open:" + options.serverUrl;

  const host = document.createElement("support-chat-widget");
  const shadow = host.attachShadow({ mode: "open" });
  if (window.CSSStyleSheet && "adoptedStyleSheets" in shadow && CSSStyleSheet.prototype.replaceSync) {
    // A constructed sheet, not a <style> element: a page whose Content-Security-Policy forbids
    // inline styles still gets a styled widget.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(WIDGET_CSS);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    shadow.appendChild(el("style", null, WIDGET_CSS));
  }

  const root = el("div", "sw-root" + (options.position === "left" ? " sw-left" : ""));
  root.lang = options.uiLanguage; // screen readers read the widget's texts in their language
  shadow.appendChild(root);
  if (options.primaryColor && CSS.supports("color", options.primaryColor)) {
    root.style.setProperty("--sw-primary", options.primaryColor);
    host.style.setProperty("--sw-primary", options.primaryColor);
  }
  if (options.textColor && CSS.supports("color", options.textColor)) {
    host.style.setProperty("--sw-on-primary", options.textColor);
  }

  // Launcher
  const launcher = el("button", "sw-launcher");
  launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "sw-panel");
  const launcherIcon = el("span");
  launcherIcon.appendChild(icon(ICON_CHAT));
  launcherIcon.style.display = "contents";
  const badge = el("span", "sw-badge");
  badge.hidden = true;
  badge.setAttribute("aria-hidden", "true");
  launcher.append(launcherIcon, badge);

  // Panel
  const panel = el("div", "sw-panel");
  panel.id = "sw-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-labelledby", "sw-title");

  const header = el("div", "sw-header");
  const title = el("h2", "sw-title", options.title);
  title.id = "sw-title";
  // Who can answer: "Our team is online · replies in about 4 minutes" (the server's team_status).
  const subtitle = el("span", "sw-subtitle");
  subtitle.id = "sw-subtitle";
  subtitle.hidden = true;
  subtitle.setAttribute("role", "status");
  const heading = el("div", "sw-heading");
  heading.append(title, subtitle);
  const closeButton = el("button", "sw-close");
  closeButton.type = "button";
  closeButton.setAttribute("aria-label", texts.closeChat);
  closeButton.appendChild(icon(ICON_CLOSE));
  closeButton.firstChild.style.cssText = "width:22px;height:22px;fill:currentColor";
  header.append(heading, closeButton);

  const status = el("div", "sw-status");
  status.setAttribute("role", "status");

  const log = el("div", "sw-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-relevant", "additions");
  log.setAttribute("aria-label", texts.conversation);
  log.tabIndex = 0;

  const typing = el("div", "sw-typing");
  typing.hidden = true;
  typing.setAttribute("role", "status");
  const typingLabel = el("span", "sw-sr-only", texts.assistantTyping);
  const typingName = el("span", "sw-typing-name");
  typingName.setAttribute("aria-hidden", "true");
  typing.append(el("span"), el("span"), el("span"), typingName, typingLabel);
  log.appendChild(typing);

  const form = el("form", "sw-form");
  const label = el("label", "sw-sr-only", texts.messageLabel);
  label.htmlFor = "sw-input";
  const input = el("textarea", "sw-input");
  input.id = "sw-input";
  input.rows = 1;
  input.maxLength = 2000;
  input.placeholder = options.placeholder;
  input.setAttribute("enterkeyhint", "send");
  const sendButton = el("button", "sw-send", texts.send);
  sendButton.type = "submit";
  sendButton.disabled = true;
  form.append(label, input, sendButton);

  panel.append(header, status, log, form);
  root.append(panel, launcher);

  // --- state ---
  let sessionId = storage.get("localStorage", sessionKey);
  let confirmed = false;
  let serverTs = null; // newest server timestamp seen: what to ask for after a reconnect
  let unread = 0;
  let typingTimer = null;
  const entries = []; // {id, ts, from, el, replies}, sorted by ts
  const byId = new Map();
  const outbox = []; // user messages waiting for a confirmed session
  let repliesEl = null;

  function isOpen() {
    return !panel.hidden;
  }

  function updateLauncher() {
    const base = isOpen() ? texts.closeChat : options.launcherLabel;
    const ariaLabel = unread && !isOpen() ? fill(texts.launcherUnread, { label: base, count: unread }) : base;
    launcher.setAttribute("aria-label", ariaLabel);
    launcher.setAttribute("aria-expanded", String(isOpen()));
    badge.textContent = unread > 9 ? "9+" : String(unread);
    badge.hidden = !unread || isOpen();
    launcherIcon.replaceChildren(icon(isOpen() ? ICON_CLOSE : ICON_CHAT));
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function setStatus(text) {
    status.textContent = text || "";
  }

  // The assistant working, or a person from the team writing ("Ann is typing…", for a few seconds).
  function setTyping(on, agent) {
    clearTimeout(typingTimer);
    typing.hidden = !on;
    const who = typeof agent === "string" && agent ? agent : null;
    typingName.textContent = who ? fill(texts.personTyping, { who }) : "";
    typingLabel.textContent = who ? fill(texts.personTyping, { who }) : texts.assistantTyping;
    typing.classList.toggle("sw-typing-agent", Boolean(who));
    if (on) {
      log.appendChild(typing); // keep it last
      typingTimer = setTimeout(() => setTyping(false), who ? 6000 : 30000); // never spin forever
      scrollToEnd();
    }
  }

  function renderReplies() {
    if (repliesEl) repliesEl.remove();
    repliesEl = null;
    const lastEntry = entries[entries.length - 1];
    if (!lastEntry || lastEntry.from !== "bot" || !lastEntry.replies || !lastEntry.replies.length) return;
    repliesEl = el("div", "sw-replies");
    repliesEl.setAttribute("role", "group");
    repliesEl.setAttribute("aria-label", texts.suggestedReplies);
    for (const reply of lastEntry.replies) {
      const title = String(reply.title || reply.payload || "");
      if (!title) continue;
      const url = reply.url ? safeUrl(reply.url, options.serverUrl) : null;
      if (url) {
        const link = el("a", "sw-reply", title);
        link.href = url;
        link.target = "_blank";
        link.rel = "noopener noreferrer nofollow";
        repliesEl.appendChild(link);
        continue;
      }
      const button = el("button", "sw-reply", title);
      button.type = "button";
      button.addEventListener("click", () => {
        send(String(reply.payload || title), title);
        input.focus();
      });
      repliesEl.appendChild(button);
    }
    lastEntry.el.after(repliesEl);
  }

  // A message as the customer sees it: who wrote it (avatar and name: the assistant or a named
  // person from the team), the bubble (text with lists, bold and links; an order card; an image)
  // and the time it was sent.
  function renderPayload(from, payload, agent, ts, orderCardData) {
    const nodes = [];
    const text = typeof payload.text === "string" ? payload.text : "";
    const replies = payload.quick_replies || payload.buttons;
    const byAgent = from === "bot" && typeof agent === "string" && agent;
    const card = orderCardData && typeof orderCardData === "object" ? orderCardData : null;
    if (card) {
      const bubble = el("div", "sw-msg sw-msg-bot sw-msg-card");
      bubble.appendChild(el("span", "sw-sr-only", texts.assistantPrefix + text));
      // The card's labels go with its values: in the card's own language (its `lang`) if it has one.
      const drawn = orderCard(card, card.lang ? UI_TEXTS[uiLanguage(card.lang)] : texts);
      drawn.setAttribute("aria-hidden", "true"); // the text above says the same to screen readers
      bubble.appendChild(drawn);
      nodes.push(bubble);
    } else if (text) {
      const bubble = el("div", `sw-msg sw-msg-${from}` + (byAgent ? " sw-msg-agent" : ""));
      const prefix =
        from === "user" ? texts.youPrefix : byAgent ? fill(texts.agentPrefix, { agent }) : texts.assistantPrefix;
      bubble.appendChild(el("span", "sw-sr-only", prefix));
      appendMarkdown(bubble, text, options.serverUrl);
      nodes.push(bubble);
    }
    const attachment = payload.attachment;
    const imageSrc =
      (attachment && attachment.type === "image" && attachment.payload && attachment.payload.src) ||
      (typeof payload.image === "string" ? payload.image : null);
    if (imageSrc) {
      const url = safeUrl(imageSrc, options.serverUrl);
      if (url) {
        const bubble = el("div", `sw-msg sw-msg-${from} sw-msg-image`);
        const img = el("img");
        img.src = url;
        img.alt = (attachment && attachment.payload && attachment.payload.title) || texts.imageAlt;
        img.loading = "lazy";
        img.addEventListener("load", scrollToEnd, { once: true });
        bubble.appendChild(img);
        nodes.push(bubble);
      }
    }
    if (!nodes.length && Array.isArray(replies) && replies.length) {
      nodes.push(el("div", `sw-msg sw-msg-${from}`, texts.pleaseChoose));
    }
    if (!nodes.length) return null; // a payload this widget does not show (custom JSON, templates)
    const item = el("div", `sw-item sw-item-${from}` + (byAgent ? " sw-item-agent" : "") + (card ? " sw-item-card" : ""));
    if (from === "bot") item.appendChild(avatar(byAgent ? agent : options.botName, byAgent ? "agent" : "bot"));
    const column = el("div", "sw-item-body");
    if (from === "bot") {
      const who = el("span", "sw-author", byAgent ? fill(texts.agentAuthor, { agent }) : options.botName);
      who.setAttribute("aria-hidden", "true"); // the bubble's own prefix names the sender for screen readers
      column.appendChild(who);
    }
    column.append(...nodes);
    column.appendChild(timeLabel(typeof ts === "number" && ts > 0 ? ts : Date.now() / 1000, timeLocales));
    item.appendChild(column);
    return { node: item, replies };
  }

  /** Add a message once (by id), at its place in time. Returns true if it was new. */
  function addMessage(from, payload, meta) {
    meta = meta || {};
    const id = meta.id ? String(meta.id) : "local-" + newId();
    const ts = typeof meta.ts === "number" ? meta.ts : null;
    if (ts !== null && !meta.local) serverTs = serverTs === null ? ts : Math.max(serverTs, ts);
    const known = byId.get(id);
    if (known) {
      if (ts !== null && known.provisional) {
        known.ts = ts;
        known.provisional = false;
      }
      return false;
    }
    if (!payload || typeof payload !== "object") return false;
    const rendered = renderPayload(from, payload, meta.agent, ts, meta.order_card);
    if (!rendered) return false;
    const last = entries[entries.length - 1];
    const entry = {
      id,
      from,
      // A message of ours not yet seen by the server goes last, after everything known.
      ts: ts !== null ? ts : (last ? last.ts : 0) + 1e-6,
      provisional: ts === null,
      el: rendered.node,
      replies: rendered.replies,
    };
    let index = entries.length;
    while (index > 0 && entries[index - 1].ts > entry.ts) index -= 1;
    entries.splice(index, 0, entry);
    byId.set(id, entry);
    const next = entries[index + 1];
    log.insertBefore(entry.el, next ? next.el : typing);
    renderReplies();
    scrollToEnd();
    return true;
  }

  function clearMessages() {
    for (const entry of entries.splice(0)) entry.el.remove();
    byId.clear();
    serverTs = null;
    if (repliesEl) repliesEl.remove();
    repliesEl = null;
    if (options.greeting) addMessage("bot", { text: options.greeting }, { id: "greeting", ts: 0 });
    serverTs = null;
  }

  function clientMetadata() {
    return {
      customer: { name: options.customerName || null, email: options.customerEmail || null },
      // The language the widget was told to speak (data-language), else the browser's.
      webchat: {
        page_url: location.href,
        page_title: document.title,
        language: options.language || navigator.language || null,
      },
    };
  }

  function flushOutbox() {
    while (confirmed && socket.connected && outbox.length) {
      const message = outbox.shift();
      message.session_id = sessionId;
      socket.emit("user_uttered", message);
    }
  }

  function send(text, shown) {
    text = String(text || "").trim();
    if (!text) return;
    const id = newId();
    addMessage("user", { text: shown || text }, { id, local: true });
    outbox.push({ message: text, message_id: id, display_text: shown || undefined, metadata: clientMetadata() });
    setTyping(true);
    flushOutbox();
    if (!socket.connected) setStatus(texts.notConnected);
  }

  function showTeamStatus(data) {
    if (!data || typeof data.text !== "string") return;
    subtitle.replaceChildren(el("span", "sw-dot"), document.createTextNode(data.text));
    subtitle.dataset.people = String(Boolean(data.people_available));
    subtitle.hidden = false;
  }

  function askTeamStatus() {
    if (isOpen() && socket.connected && confirmed) socket.emit("status_request", {});
  }

  function open() {
    if (isOpen()) return;
    panel.hidden = false;
    root.classList.add("sw-open");
    askTeamStatus();
    unread = 0;
    storage.set("sessionStorage", openKey, "1");
    updateLauncher();
    scrollToEnd();
    input.focus();
  }

  function close() {
    if (!isOpen()) return;
    panel.hidden = true;
    root.classList.remove("sw-open");
    storage.set("sessionStorage", openKey, null);
    updateLauncher();
    launcher.focus();
  }

  // --- events ---
  launcher.addEventListener("click", () => (isOpen() ? close() : open()));
  closeButton.addEventListener("click", close);
  root.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && isOpen()) {
      event.stopPropagation();
      close();
    }
  });
  let typingSentAt = 0;
  let wasEmpty = true;
  input.addEventListener("input", () => {
    // Tell the server the customer is typing (a person from the team sees it): when a new message
    // is started, then every 3 s while they keep typing.
    const typed = Boolean(input.value.trim());
    if (typed && confirmed && socket.connected && (wasEmpty || Date.now() - typingSentAt > 3000)) {
      typingSentAt = Date.now();
      socket.emit("user_typing", {});
    }
    wasEmpty = !typed;
    sendButton.disabled = !input.value.trim();
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 120) + "px";
  });
  input.addEventListener("keydown", (event) => {
    // Not while an IME is composing (Japanese): that Enter picks the conversion. keyCode 229 is
    // how Safari and older browsers flag it (isComposing is already false on that Enter there).
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    input.value = "";
    wasEmpty = true; // the next key starts a new message: say so at once
    input.style.height = "auto";
    sendButton.disabled = true;
    send(text);
  });

  // --- the connection ---
  const socket = io(options.serverUrl, {
    path: options.socketPath,
    transports: options.transports,
    reconnectionDelayMax: 10000,
  });

  function showTransport() {
    const engine = socket.io.engine;
    host.dataset.transport = engine && engine.transport ? engine.transport.name : "";
  }

  socket.io.on("open", () => {
    showTransport();
    socket.io.engine.on("upgrade", showTransport);
  });

  socket.on("connect", () => {
    setStatus("");
    showTransport();
    host.dataset.connected = "true";
    log.setAttribute("aria-busy", "true");
    socket.emit("session_request", { session_id: sessionId, since: serverTs, metadata: clientMetadata() });
  });

  socket.on("disconnect", (reason) => {
    confirmed = false;
    host.dataset.connected = "false";
    if (reason !== "io client disconnect") setStatus(texts.connectionLost);
  });

  socket.on("connect_error", () => {
    host.dataset.connected = "false";
    setStatus(texts.cannotConnect);
  });

  socket.on("session_confirm", (data) => {
    const id = typeof data === "string" ? data : data && data.session_id;
    if (!id) return;
    if (sessionId && id !== sessionId) clearMessages(); // the server started a new conversation
    sessionId = id;
    storage.set("localStorage", sessionKey, id);
    host.dataset.sessionId = id;
    confirmed = true;
    // The history follows; servers that send none (Rasa's own channel) must not leave the log busy.
    setTimeout(() => log.removeAttribute("aria-busy"), 3000);
    flushOutbox();
  });

  socket.on("history", (data) => {
    if (!data || data.session_id !== sessionId || !Array.isArray(data.messages)) return;
    for (const item of data.messages) {
      if (item && (item.from === "user" || item.from === "bot")) {
        addMessage(item.from, item.message, { id: item.id, ts: item.ts, agent: item.agent, order_card: item.order_card });
      }
    }
    log.removeAttribute("aria-busy");
  });

  // The message's id, server time and agent name come in payload.metadata (Rasa's protocol has one argument).
  socket.on("bot_uttered", (payload) => {
    const meta = payload && typeof payload.metadata === "object" && payload.metadata ? payload.metadata : {};
    if (addMessage("bot", payload, meta) && !isOpen()) {
      unread += 1;
      updateLauncher();
    }
  });

  socket.on("user_message", (data) => {
    if (data && typeof data.text === "string") addMessage("user", { text: data.text }, { id: data.id, ts: data.ts });
  });

  socket.on("typing", (data) => setTyping(Boolean(data && data.typing), data && data.agent));

  socket.on("team_status", showTeamStatus);
  setInterval(askTeamStatus, 60000); // while open: whether a person can answer changes during the day

  // The server refused a message (too long, too fast, wrong session): say so, and mark it unsent.
  socket.on("error", (data) => {
    if (!data || typeof data.message !== "string") return;
    setTyping(false);
    setStatus(data.message);
    const entry = typeof data.message_id === "string" ? byId.get(data.message_id) : null;
    if (entry && entry.from === "user") {
      entry.el.dataset.unsentLabel = texts.notSent; // drawn by .sw-unsent::after
      entry.el.classList.add("sw-unsent");
      entry.el.title = data.message;
      entry.el.dataset.error = String(data.error || "refused");
    }
  });

  // --- start ---
  clearMessages();
  document.body.appendChild(host);
  updateLauncher();
  if (options.open || storage.get("sessionStorage", openKey)) open();

  return {
    open,
    close,
    toggle: () => (isOpen() ? close() : open()),
    send: (text) => send(text),
    setCustomer(customer) {
      options.customerName = (customer && customer.name) || "";
      options.customerEmail = (customer && customer.email) || "";
    },
    get sessionId() {
      return sessionId;
    },
  };
}

function start() {
  if (window.SupportWidget && window.SupportWidget.__started) return; // embedded twice
  const widget = createWidget(readOptions());
  widget.__started = true;
  window.SupportWidget = widget;
  document.dispatchEvent(new CustomEvent("support-widget:ready"));
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start, { once: true });
} else {
  start();
}
