/* What the widget draws inside a message: text with safe links, short Markdown (lists, bold),
 * the order card, times and sender avatars. Joined before widget.js in /webchat/widget.js
 * (channels/webchat/static_files.py). Everything is built with createElement/textContent; nothing
 * the server sends is ever parsed as HTML. */

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** A UI_TEXTS template with its "{name}" parts filled in: fill("{who} is typing…", { who: "Ann" }). */
function fill(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (match, key) =>
    Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : match
  );
}

function safeUrl(raw, base) {
  try {
    const url = new URL(String(raw), base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch (err) {
    return null;
  }
}

// [label](url) links and bare http(s) URLs; everything else stays text.
const LINK = /\[([^\]\n]{1,200})\]\(([^)\s]{1,2000})\)|\bhttps?:\/\/[^\s<>"']+/g;

function appendRichText(parent, text, base) {
  let last = 0;
  text.replace(LINK, (match, label, target, offset) => {
    let href = target || match;
    let trailing = "";
    if (!target) {
      const cut = href.match(/[.,;:!?)\]]+$/);
      if (cut) {
        trailing = cut[0];
        href = href.slice(0, -trailing.length);
      }
    }
    const url = safeUrl(href, base);
    if (!url || (target && !/^https?:\/\//i.test(target))) return match; // not a web link: keep as text
    parent.appendChild(document.createTextNode(text.slice(last, offset)));
    const link = el("a", null, label || href);
    link.href = url;
    link.target = "_blank";
    link.rel = "noopener noreferrer nofollow";
    parent.appendChild(link);
    if (trailing) parent.appendChild(document.createTextNode(trailing));
    last = offset + match.length;
    return match;
  });
  parent.appendChild(document.createTextNode(text.slice(last)));
}

// **bold** inside a line; the rest goes through appendRichText (links).
const BOLD = /\*\*([^*\n]{1,500})\*\*/g;

function appendInline(parent, text, base) {
  let last = 0;
  text.replace(BOLD, (match, inner, offset) => {
    appendRichText(parent, text.slice(last, offset), base);
    const strong = el("strong");
    appendRichText(strong, inner, base);
    parent.appendChild(strong);
    last = offset + match.length;
    return match;
  });
  appendRichText(parent, text.slice(last), base);
}

// Lines starting "- ", "* " or "• " become a bulleted list; "1. ", "2) " a numbered one.
const BULLET = /^\s*[-*\u2022]\s+(.*)$/;
const NUMBERED = /^\s*\d{1,3}[.)]\s+(.*)$/;

function appendMarkdown(parent, text, base) {
  const lines = text.split("\n");
  let list = null;
  let kind = null;
  let pendingBreak = false;
  for (const line of lines) {
    const bullet = line.match(BULLET);
    const numbered = bullet ? null : line.match(NUMBERED);
    const item = bullet || numbered;
    if (item) {
      const wanted = bullet ? "ul" : "ol";
      if (!list || kind !== wanted) {
        list = el(wanted, "sw-list");
        kind = wanted;
        parent.appendChild(list);
      }
      const li = el("li");
      appendInline(li, item[1], base);
      list.appendChild(li);
      pendingBreak = false;
      continue;
    }
    if (pendingBreak) parent.appendChild(document.createTextNode("\n"));
    list = null;
    appendInline(parent, line, base);
    pendingBreak = true;
  }
}

// The order card (channels/cards.py): the order and its status, its details, a "Track parcel" link.
// The details in the order they are shown; their labels are texts.orderFields (UI_TEXTS).
const CARD_FIELDS = [
  "items",
  "total",
  "placed",
  "carrier",
  "tracking_number",
  "estimated_delivery",
  "delivered",
  "ship_to",
];

function orderCard(card, texts) {
  const box = el("div", "sw-card");
  const head = el("div", "sw-card-head");
  head.appendChild(el("span", "sw-card-title", fill(texts.orderTitle, { number: String(card.number || "") })));
  const status = String(card.status || "");
  const pill = el("span", "sw-card-status sw-status-" + status.replace(/[^a-z]/g, ""), card.status_text || status);
  head.appendChild(pill);
  box.appendChild(head);
  if (card.note) box.appendChild(el("p", "sw-card-note", card.note));
  const list = el("dl", "sw-card-details");
  for (const key of CARD_FIELDS) {
    if (!card[key]) continue;
    list.append(el("dt", null, texts.orderFields[key]), el("dd", null, card[key]));
  }
  box.appendChild(list);
  return box;
}

// "14:05" in the visitor's time zone and `locales` (TIME_LOCALES: [] is the browser's own);
// the full date and time as a tooltip.
function timeLabel(ts, locales) {
  const when = new Date(ts * 1000);
  const node = el("time", "sw-time", when.toLocaleTimeString(locales, { hour: "2-digit", minute: "2-digit" }));
  node.dateTime = when.toISOString();
  node.title = when.toLocaleString(locales);
  return node;
}

function initialsOf(name) {
  const parts = String(name || "").trim().split(/\s+/).filter(Boolean);
  return ((parts[0] || "?")[0] + (parts.length > 1 ? parts[parts.length - 1][0] : "")).toUpperCase();
}

function avatar(name, kind) {
  const node = el("span", "sw-avatar sw-avatar-" + kind, kind === "bot" ? "" : initialsOf(name));
  node.setAttribute("aria-hidden", "true");
  if (kind === "bot") node.appendChild(icon(ICON_BOT));
  return node;
}

