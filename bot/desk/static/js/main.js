// The agent desk's entry module: wires up the ticker, sign-in, routing and error reporting, then starts.
//
// No framework and no build step: native ES modules. Every piece of text that comes from a customer,
// an agent or the database reaches the page through textContent / createTextNode (the `h` helper in
// dom.js), never through innerHTML, so a message that looks like HTML is shown as text.
// Live updates come from Server-Sent Events (/desk/api/events, live.js); after a reconnect the
// current view is fetched again, so nothing missed while offline stays missing.

import { toast } from "./dom.js";
import { applyPageTexts } from "./page_texts.js";
import { startTicker } from "./format.js";
import { initRouter } from "./router.js";
import { boot, initSession } from "./session.js";
import { t } from "./texts.js";

applyPageTexts();

startTicker();
initSession();
initRouter();

// A failed async handler must not fail silently: say so (and log it for whoever debugs).
window.addEventListener("unhandledrejection", (event) => {
  console.error("desk: unhandled error", event.reason);
  toast(t("error_unexpected"), "error");
});

boot();
