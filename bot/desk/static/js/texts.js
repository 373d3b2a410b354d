// Every piece of text the desk itself shows (headings, buttons, placeholders, aria-labels, empty
// states, badges, prompts, status words, errors), in one place so the desk can be translated.
// What customers, agents or the server wrote (messages, reasons, names) is not here: it is shown as sent.
//
// Use: t("key") or t("key", { name: "Ann" }) — "{name}" in the text is filled from the params
// (a "{word}" with no param of that name stays as written).
// Plurals: a text may be { one: "…", other: "…" } (any Intl.PluralRules category: zero, one, two,
// few, many, other); t("earlier_conversations", { count: 3 }) picks the form for `count`.
// Values the server sends as codes (ticket statuses, channels, reasons…) go through
// tOr("prefix_" + code, code): the text when there is one, otherwise the code as sent.
//
// Adding a translation: add another object next to `en`, keyed by the language's code, with the
// same keys (a key it lacks falls back to English), e.g.
//
//   ja: { app_name: "サポートデスク", section_queue: "キュー", earlier_conversations: { other: "過去の会話 {count} 件" }, … },
//
// The language is the first of <html lang="…"> and the browser's languages (navigator.languages)
// that TEXTS has, matched on the whole tag ("pt-br") or its primary subtag ("ja-JP" -> "ja");
// English otherwise. index.html says lang="en", so today the desk is English whatever the browser.

export const TEXTS = {
  en: {
    // -- the page, sign-in and the top bar --
    app_name: "Support desk",
    page_title_waiting: { one: "({count}) {app}", other: "({count}) {app}" },
    skip_to_content: "Skip to content",
    login_title: "Sign in",
    login_intro: "Use the email and password your admin gave you.",
    login_submit: "Sign in",
    login_signing_in: "Signing in…",
    login_missing: "Enter your email and password.",
    login_wrong: "Wrong email or password.",
    signed_out: "You have signed out.",
    log_out: "Log out",
    session_expired: "Your session has expired; please sign in again.",
    session_ended: "Your session has ended; please sign in again.",
    please_log_in: "Please log in.",
    server_unreachable: "Can't reach the server; check the connection and try again.",
    server_unreachable_reload: "Can't reach the server; check the connection and reload the page.",
    server_answered: "The server answered {status}.",
    error_unexpected: "Something went wrong; reload the page if it keeps happening.",
    connection_connecting: "Connecting…",
    connection_online: "Online",
    connection_reconnecting: "Reconnecting…",
    availability_available: "Available",
    availability_away: "Away",
    availability_title_initial: "Away: the queue sends you no new conversations",
    availability_title_available: "Set yourself away: no new conversations come to you",
    availability_title_away: "Set yourself available for new conversations",
    availability_now_available: "You're available: new conversations can come to you.",
    availability_now_away: "You're away: no new conversations will come to you.",
    availability_error: "Could not change your status: {error}",
    role_admin: "Admin",
    role_agent: "Agent",
    agents_online: { one: "{count} agent online", other: "{count} agents online" },
    topbar_hours: "Hours: {hours}",
    open_now: "Open now",
    closed_now: "Closed now",
    queue_badge_waiting: { one: "{count} waiting", other: "{count} waiting" },
    nav_label: "Desk sections",

    // -- sections (the nav and the views' titles) --
    section_queue: "Queue",
    section_conversations: "Conversations",
    section_tickets: "Tickets",
    section_canned: "Canned replies",
    section_stats: "Stats",
    section_analytics: "Analytics",
    section_agents: "Agents",

    // -- notifications --
    notifications: "Notifications",
    notification_settings: "Notification settings",
    pref_notify_waiting: "A customer starts waiting",
    pref_notify_replies: "A customer replies in my conversation",
    pref_sound: "Play a sound",
    notify_waiting_title: "A customer is waiting",
    notify_waiting_body: "{customer} on {channel}",
    notify_waiting_body_reason: "{customer} on {channel} ({reason})",
    notify_reply_title: "The customer replied",
    notify_toast: "{title}: {body}",
    notify_unsupported: "This browser cannot show notifications; you will hear the sound and see a message in the desk.",
    notify_granted: "Browser notifications are on for this site.",
    notify_denied: "Browser notifications are blocked for this site (change it in the browser's site settings).",
    notify_allow: "Allow browser notifications",
    save_failed: "Could not save: {error}",

    // -- shared words --
    actions: "Actions",
    cancel: "Cancel",
    claim: "Claim",
    take_over: "Take over",
    open: "Open",
    loading: "Loading…",
    unknown: "unknown",
    none: "none",
    quoted: "“{text}”",
    last_days: { one: "Last {count} day", other: "Last {count} days" },
    last_24_hours: "Last 24 hours",
    waiting_for_person: "Waiting for a person",
    reply_to_customer: "Reply to the customer",
    emailed_to: "emailed to {email}",

    // -- labels of fields, columns and details --
    field_account: "Account",
    field_agent: "Agent",
    field_article: "Article",
    field_channel: "Channel",
    field_conversation: "Conversation",
    field_customer: "Customer",
    field_customer_email: "Customer email",
    field_email: "Email",
    field_from: "From",
    field_kind: "Kind",
    field_label: "Label",
    field_language: "Language",
    field_last_active: "Last active",
    field_last_message: "Last message",
    field_name: "Name",
    field_opened: "Opened",
    field_password: "Password",
    field_period: "Period",
    field_platform_id: "Platform ID",
    field_priority: "Priority",
    field_range: "Range",
    field_reason: "Reason",
    field_reply: "Reply",
    field_role: "Role",
    field_shortcut: "Shortcut",
    field_status: "Status",
    field_subject: "Subject",
    field_summary: "Summary",
    field_teams: "Teams",
    field_ticket: "Ticket",
    field_title: "Title",
    field_to: "To",
    field_updated: "Updated",
    field_verified_order: "Verified order",
    field_waiting: "Waiting",
    field_with_agent_for: "With agent for",

    // -- who wrote a message, who owns a conversation, badges --
    who_customer: "Customer",
    who_bot: "Assistant",
    who_agent: "Agent",
    who_system: "System",
    who_agent_named: "{name} (agent)",
    owner_agent: "Agent",
    owner_agent_named: "Agent: {name}",
    owner_queue: "Waiting in queue",
    owner_bot: "Assistant",
    customer_fallback: "Website visitor",
    handoff_priority_0: "Normal",
    handoff_priority_1: "Elevated",
    handoff_priority_2: "High",

    // Codes the server sends, shown as these words (tOr: an unknown code is shown as sent).
    ticket_status_open: "open",
    ticket_status_pending: "pending",
    ticket_status_resolved: "resolved",
    ticket_status_closed: "closed",
    ticket_priority_low: "low",
    ticket_priority_normal: "normal",
    ticket_priority_high: "high",
    ticket_priority_urgent: "urgent",
    ticket_author_customer: "customer",
    ticket_author_system: "system",
    handoff_status_queued: "queued",
    handoff_status_assigned: "assigned",
    handoff_status_resolved: "resolved",
    handoff_status_ticketed: "ticketed",
    handoff_status_abandoned: "abandoned",
    channel_webchat: "Website",
    channel_slack: "Slack",
    channel_telegram: "Telegram",
    channel_rest: "REST",
    channels_all: "All channels",
    language_ja: "Japanese (日本語)",
    language_en: "English",
    reason_customer_request: "Customer asked",
    reason_failed_understanding: "Not understood twice",
    reason_unhelpful_answers: "Unhelpful answers",
    reason_frustration: "Frustration",
    reason_topic: "Agents' topic",
    reason_high_value_order: "High-value order",
    reason_agent_takeover: "Agent took over",
    reason_unknown: "Unknown",

    // -- durations (the live counters, "… ago") --
    duration_seconds: "{s}s",
    duration_minutes: "{m}m {s}s",
    duration_hours: "{h}h {m}m",
    duration_days: "{d}d",
    time_ago: "{duration} ago",

    // -- the queue --
    queue_open_with: "Open conversation with {customer}",
    queue_claim_with: "Claim conversation with {customer}",
    queue_agent_you: "{name} (you)",
    queue_empty: "Nobody is waiting. New conversations appear here as soon as the assistant hands them over.",
    queue_none_active: "No conversation is with an agent right now.",
    queue_only_my_teams: "Only my teams ({teams})",
    queue_being_handled: "Being handled",

    // -- conversations --
    conversations_intro: "Every customer's latest conversation. Take one over to answer the customer yourself.",
    conversations_status_all: "Any status",
    conversations_status_with_agent: "With an agent",
    conversations_status_bot: "With the assistant",
    conversations_status_ticket: "Has a ticket",
    conversations_take_over_with: "Take over conversation with {customer}",
    conversations_unknown_visitor: "Unknown visitor",
    conversations_from: "{who}:",
    conversations_any_label: "Any label",
    conversations_search_placeholder: "Search names, emails, messages and tickets",
    conversations_search_form: "Search and filter conversations",
    conversations_search_label: "Search conversations",
    conversations_mine: "Mine",
    conversations_none_match: "No conversation matches.",
    conversations_none: "No conversations yet.",
    conversations_tickets_matching: "Tickets matching “{query}” ({count})",
    conversations_no_ticket_matches: "No ticket matches.",

    // -- one conversation --
    conversation_title: "Conversation",
    not_found: "Not found",
    back_to_queue: "← Queue",
    handoff_team: "team: {team}",
    handoff_waiting: "waiting",
    handoff_status_line: "handoff {status}",
    customer_typing: "{customer} is typing…",
    context_and_notes: "Customer context and notes",
    took_over: "You own this conversation now; the assistant is paused.",
    transcript_label: "Conversation transcript",
    transcript_buttons: "Buttons offered",
    transcript_offered: "Offered:",
    transcript_empty: "No messages yet.",
    composer_placeholder: "Write to the customer…",
    composer_send: "Send",
    composer_hint_write: "Enter sends · Shift+Enter for a new line · / for a canned reply. The customer gets this on their channel.",
    composer_hint_queue: "Claim this conversation to reply; the customer is waiting.",
    composer_hint_other_agent: "{name} owns this conversation.",
    composer_another_agent: "Another agent",
    composer_hint_bot: "The assistant owns this conversation. Take over to write to the customer.",
    handback_button: "Hand back to assistant",
    handback_title: "Hand back to the assistant",
    handback_explain: "The assistant resumes and asks the customer whether there is anything else, then asks for a rating.",
    handback_note_label: "Internal note (optional)",
    handback_note_placeholder: "What was done, for the record",
    handback_confirm: "Hand back",
    handed_back: "Handed back: the assistant has the conversation again.",
    assign_button: "Assign",
    assign_label: "Assign to",
    assign_choose: "Choose…",
    assign_teams: "Teams",
    assign_no_team: "no team (everyone)",
    assign_agents: "Agents",
    assign_agent_teams: "{name} ({teams})",
    assign_agent_away: "{agent} · away",
    assign_everyone: "everyone",
    assign_sent_team: "Sent to {team}.",
    assign_given: "Given to {name}.",
    notes_title: "Internal notes",
    notes_add_label: "Add an internal note",
    notes_placeholder: "Only agents see notes",
    notes_add: "Add note",
    notes_earlier_handoff: "earlier handoff",
    notes_empty: "No notes yet.",
    notes_need_handoff: "Notes belong to a handoff: take over to add one",
    labels_label: "Labels",
    labels_placeholder: "Add a label",
    labels_add_to_conversation: "Add a label to this conversation",
    labels_add_to_ticket: "Add a label to this ticket",
    labels_remove: "Remove label {name}",

    // -- the customer context panel --
    context_reason_title: "Why they need a person",
    context_no_handoff: "No handoff: the assistant is handling this conversation.",
    context_ticket: "Ticket:",
    context_summary_title: "Summary",
    context_customer_title: "Customer",
    context_verified: "verified",
    context_not_verified: "not verified",
    context_name_unverified: "(as given, not verified)",
    context_returning: "returning customer",
    earlier_conversations: { one: "{count} earlier conversation", other: "{count} earlier conversations" },
    context_orders_title: "Orders ({count})",
    context_order_placed: "Placed {time}",
    context_no_orders: "No orders for this email.",
    context_no_email: "No email known, so no orders found.",
    context_tickets_title: "Tickets ({count})",
    context_no_tickets: "No tickets.",
    context_earlier_title: "Earlier conversations",
    context_no_earlier: "No earlier handoffs.",
    context_with_agent: "with {name}",
    context_earlier_sessions: {
      one: "{count} earlier session(s) with the assistant in this conversation.",
      other: "{count} earlier session(s) with the assistant in this conversation.",
    },
    context_rated_helpful: "rated helpful",
    context_rated_unhelpful: "rated not helpful",
    context_not_rated: "not rated",
    context_score: "score {score}",
    context_kb_unused: "The knowledge base was not used.",
    context_kb_title: "Knowledge base tried",

    // -- tickets --
    tickets_filter_all: "All",
    tickets_email_only: "(email only)",
    tickets_count: { one: "{count} ticket", other: "{count} tickets" },
    tickets_empty: "No tickets with this status.",
    ticket_details: "Details",
    ticket_description: "Description",
    ticket_in_chat: "in the chat",
    ticket_not_in_chat: "not in the chat: {error}",
    ticket_email_failed: "email failed: {error}",
    ticket_not_delivered: "not delivered",
    ticket_route_push: "sent to the customer's conversation on {channel}",
    ticket_route_kept: "kept in the conversation for the customer's app to collect with its next request (this channel cannot push)",
    ticket_routes_joiner: ", and ",
    ticket_reply_routes: "Your reply will be {routes}.",
    ticket_no_route: "This ticket has no conversation to answer in and email is not set up (SMTP_HOST); reply from your mailbox.",
    ticket_no_route_email: "This ticket has no conversation to answer in and email is not set up (SMTP_HOST); reply from your mailbox to {email}.",
    ticket_send_reply: "Send reply",
    ticket_update_status: "Update status",
    ticket_back: "← Tickets",
    ticket_messages: "Messages",
    ticket_details_label: "Ticket details",
    ticket_priority_line: "priority {priority}",
    ticket_no_replies: "No replies yet.",
    ticket_sent_kept: "kept for the customer's app",
    ticket_sent_chat: "sent in the chat",
    ticket_sent_joiner: " and ",
    ticket_reply_sent: "Reply {routes}.",
    ticket_reply_not_delivered: "Not delivered: {channels} (see the message).",
    ticket_now: "Ticket {reference} is now {status}.",

    // -- canned replies --
    canned_placeholder_help:
      "Placeholders: {first_name}, {customer_name}, {order_number}, {ticket_reference}, {agent_name}; filled from the conversation when you insert the reply.",
    canned_shortcut_placeholder: "refund",
    canned_title_placeholder: "Refund timing",
    canned_add_reply: "Add reply",
    canned_cancel_editing: "Cancel editing",
    canned_shortcut_hint: "Typed after / in the reply box: lowercase letters, digits, - or _.",
    canned_shared_with_team: "Shared with the whole team",
    canned_intro: "Type / and a shortcut in a reply box to insert one.",
    canned_intro_admin: "Shared replies are yours to manage as an admin.",
    canned_intro_agent: "Shared replies are managed by admins; your own are yours.",
    canned_replies: "Replies",
    canned_add_title: "Add a reply",
    canned_save_changes: "Save changes",
    canned_edit_named: "Edit /{shortcut}",
    canned_delete_named: "Delete /{shortcut}",
    canned_edit: "Edit",
    canned_delete: "Delete",
    canned_confirm_delete: "Delete the canned reply /{shortcut}?",
    canned_deleted: "Deleted /{shortcut}.",
    canned_kind_shared: "shared",
    canned_kind_yours: "yours",
    canned_admins_only: "admins only",
    canned_empty: "No canned replies yet.",
    canned_needs_text: "A reply needs a shortcut and a text.",
    canned_saved: "Saved /{shortcut}.",
    canned_added: "Added /{shortcut}.",
    canned_no_match: "No canned reply matches. Admins and you can add them under Canned replies.",

    // -- stats --
    stats_title: "Customer satisfaction",
    stats_by_agent: "By agent",
    stats_no_ratings: "No ratings in this period.",
    stats_empty: "No statistics yet.",
    stat_label_days: "Period (days)",
    stat_label_count: "Ratings received",
    stat_label_average: "Average rating (1–5)",
    stat_label_csat_percent: "Satisfied (rated 4 or 5), %",
    stat_label_low_ratings: "Low ratings (1 or 2)",

    // -- agents (admins) --
    agents_no_teams: "no teams set up",
    agents_no_team: "no team",
    agents_teams_saved: "{name}: {teams}.",
    agents_disable: "Disable",
    agents_enable: "Enable",
    agents_disable_named: "Disable {name}",
    agents_enable_named: "Enable {name}",
    agents_cannot_disable_self: "You cannot disable your own account",
    agents_confirm_disable: "Disable {name}? They are signed out at once and cannot sign in until enabled again.",
    agents_enabled: "{name} is enabled.",
    agents_disabled: "{name} is disabled and signed out.",
    agents_new_password: "New password",
    agents_new_password_for: "New password for {name}",
    agents_reset_password: "Reset password",
    agents_new_password_short: "The new password must have at least 10 characters.",
    agents_password_reset: "{name}'s password is reset; their open sessions were signed out.",
    agents_badge_admin: "admin",
    agents_badge_agent: "agent",
    agents_badge_active: "active",
    agents_badge_disabled: "disabled",
    agents_badge_away: "away",
    agents_name_placeholder: "Shown to customers",
    agents_add: "Add agent",
    agents_password_hint: "At least 10 characters. Share it privately.",
    agents_email_needed: "Enter the agent's email address.",
    agents_password_short: "The password must have at least 10 characters.",
    agents_admins_only: "Only admins can manage agents.",
    agents_team: "Team",
    agents_add_title: "Add an agent",
    agents_added: "Added {name} <{email}>.",

    // -- analytics (admins) --
    analytics_title: "Service analytics",
    analytics_dates: "Dates…",
    analytics_duration_seconds: "{s} s",
    analytics_duration_minutes: "{m} min {s} s",
    analytics_duration_hours: "{h} h {m} min",
    analytics_duration_days: "{d} d {h} h",
    analytics_key_figures: "Key figures",
    kpi_conversations: "Conversations",
    kpi_conversations_detail: "{pending} still open",
    kpi_containment: "Containment",
    kpi_containment_detail: "{contained} of {decided} resolved without a person",
    kpi_escalation: "Handoff rate",
    kpi_escalation_detail: "{escalated} handed to a person",
    kpi_bot_frt: "Assistant first response",
    kpi_median_p90: "median; p90 {p90}",
    kpi_human_frt: "Person first response",
    kpi_human_frt_detail: "median in business hours; p90 {p90}; {waiting} waiting",
    kpi_resolution: "Time to resolution",
    kpi_fcr: "First-contact resolution",
    kpi_fcr_detail: "{fcr} of {resolved}; {open} still inside 7 days",
    kpi_csat: "CSAT",
    kpi_csat_detail: "{percent} satisfied; {rate} answered ({rated}/{asked})",
    analytics_no_conversations: "No conversations in this range.",
    col_conversations: "Conversations",
    col_containment: "Containment",
    col_handoffs: "Handoffs",
    col_bot_frt: "Assistant FRT",
    col_human_frt: "Person FRT",
    col_fcr: "FCR",
    col_csat: "CSAT",
    col_csat_answered: "CSAT answered",
    col_helpful: "Helpful",
    col_not_helpful: "Not helpful",
    col_helpful_percent: "Helpful %",
    analytics_draft: "Draft an article",
    analytics_draft_written: 'Draft written: {path}. Edit it, remove "draft: true", then ingest.',
    analytics_no_help_centre: "The help centre is not available: questions cannot be grouped.",
    analytics_no_unanswered: "No unanswered questions in this range.",
    analytics_no_rated_articles: "No article was rated in this range.",
    analytics_period: "{since} – {until} ({timezone}); business hours {hours}.",
    analytics_by_channel: "By channel",
    analytics_unanswered: "Top unanswered questions",
    analytics_unanswered_intro: "Grouped by meaning; each group links to its conversations.",
    analytics_least_helpful: "Least helpful articles",
    chart_library_failed: "The charting library could not be loaded.",
    chart_label: "{title}: {description}",
    chart_conversations: "Conversations by channel",
    chart_conversations_about: "Conversations started per {bucket}, stacked by channel.",
    chart_containment: "Containment",
    chart_containment_about: "Share of decided conversations resolved without a person, per {bucket} (%).",
    chart_containment_series: "Containment %",
    chart_response: "First response time",
    chart_response_about: "Median first response per {bucket}, in minutes: the assistant's and a person's (business hours).",
    chart_response_bot: "Assistant (median, min)",
    chart_response_person: "Person (median, min)",
    chart_csat: "Satisfaction ratings",
    chart_csat_about: "How many customers gave each rating, 1 (very poor) to 5 (excellent).",
    chart_csat_series: "Ratings",
    chart_escalations: "Handoffs by reason",
    chart_escalations_about: "Why conversations went to a person.",
    chart_escalations_series: "Handoffs",
  },
};

const FALLBACK = "en";

/** The first language TEXTS has among the page's (<html lang>) and the browser's; English otherwise. */
function chooseLanguage() {
  const wanted = [];
  if (typeof document !== "undefined" && document.documentElement) wanted.push(document.documentElement.lang);
  if (typeof navigator !== "undefined") wanted.push(...(navigator.languages || [navigator.language]));
  for (const tag of wanted) {
    if (!tag) continue;
    const code = String(tag).toLowerCase();
    if (TEXTS[code]) return code;
    const primary = code.split(/[-_]/)[0];
    if (TEXTS[primary]) return primary;
  }
  return FALLBACK;
}

/** The desk's language: a key of TEXTS ("en" for now). */
export const LANG = chooseLanguage();

const warned = new Set();

/** The entry for `key` and the language it is in (the desk's, else English), or null. */
function lookup(key) {
  const own = TEXTS[LANG] && TEXTS[LANG][key];
  if (own !== undefined) return [own, LANG];
  const english = TEXTS[FALLBACK][key];
  return english !== undefined ? [english, FALLBACK] : null;
}

const pluralRules = {};

/** The plural form of `forms` ({one, other, …}) for `count` in `lang`. */
function pluralForm(forms, count, lang) {
  let category = "other";
  try {
    pluralRules[lang] = pluralRules[lang] || new Intl.PluralRules(lang);
    category = pluralRules[lang].select(Number(count));
  } catch (err) {
    /* no Intl.PluralRules: "other" */
  }
  const form = forms[category] !== undefined ? forms[category] : forms.other;
  return form !== undefined ? form : "";
}

function fill(text, params) {
  return String(text).replace(/\{(\w+)\}/g, (match, name) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : match,
  );
}

/**
 * The text for `key` in the desk's language (English where it has none), with "{name}" filled
 * from `params`; a plural text picks its form from `params.count`. A key nobody defined returns
 * the key itself (and says so once in the console).
 */
export function t(key, params = {}) {
  const values = params || {};
  const found = lookup(key);
  if (!found) {
    if (!warned.has(key)) {
      warned.add(key);
      console.warn(`desk: no text for "${key}"`);
    }
    return key;
  }
  const [entry, lang] = found;
  const text = entry !== null && typeof entry === "object" ? pluralForm(entry, values.count, lang) : entry;
  return fill(text, values);
}

/** The text for `key` if there is one, otherwise `fallback` as it is (for codes the server sends). */
export function tOr(key, fallback, params = {}) {
  return lookup(key) ? t(key, params) : fallback;
}
