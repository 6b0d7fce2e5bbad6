// Draws the dashboard from the `picture` events of /v1/dashboard/stream; no reload, no library.
"use strict";

const STAGES = ["received", "eligible", "enrolled", "scored", "offered", "accepted"];
const OPEN_OFFERS_SHOWN = 8;
const number = new Intl.NumberFormat("en-US");
const requested = new URLSearchParams(location.search).get("edition");
let openOffers = [];

const $ = (id) => document.getElementById(id);
const setText = (id, value) => { $(id).textContent = value; };

function money(cents, currency) {
  return new Intl.NumberFormat("en-US", {
    style: "currency", currency: currency || "USD", maximumFractionDigits: 0,
  }).format(cents / 100);
}

function timeLeft(expiresAt) {
  const seconds = Math.max(0, Math.floor((Date.parse(expiresAt) - Date.now()) / 1000));
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (seconds === 0) return "due";
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, "0")}m`;
  return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`;
}

function shortTime(iso) {
  return iso.replace("T", " ").replace(/\.\d+/, "").replace(/(Z|\+00:00)$/, "");
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const [text, className] of cells) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    tr.appendChild(td);
  }
  return tr;
}

function renderEditions(view) {
  const select = $("edition");
  const chosen = view.edition ? view.edition.edition_id : "";
  const ids = view.editions.map((e) => e.edition_id);
  if (chosen && !ids.includes(chosen)) ids.unshift(chosen);
  const wanted = ids.join("|");
  if (select.dataset.ids !== wanted) {
    select.replaceChildren(...ids.map((id) => {
      const option = document.createElement("option");
      const known = view.editions.find((e) => e.edition_id === id);
      option.value = id;
      option.textContent = known ? `${id} (${known.state})` : id;
      return option;
    }));
    select.dataset.ids = wanted;
  }
  select.value = chosen;
}

function renderFunnel(funnel) {
  const top = Math.max(1, funnel.received, ...STAGES.map((s) => funnel[s]));
  const box = $("funnel");
  if (!box.childElementCount) {
    for (const stage of STAGES) {
      box.insertAdjacentHTML("beforeend",
        `<span class="label">${stage}</span><div class="bar"><div id="bar-${stage}"></div></div>` +
        `<span class="count" id="funnel-${stage}">0</span>`);
    }
  }
  for (const stage of STAGES) {
    setText(`funnel-${stage}`, number.format(funnel[stage]));
    $(`bar-${stage}`).style.width = `${(100 * funnel[stage]) / top}%`;
  }
}

function renderHistogram(scores) {
  const svg = $("histogram");
  const ns = "http://www.w3.org/2000/svg";
  const [width, height, left, bottom, top] = [420, 200, 8, 22, 16];
  const most = Math.max(1, ...scores.bins.map((b) => b.count));
  const step = (width - 2 * left) / scores.bins.length;
  const parts = [];
  scores.bins.forEach((bin, i) => {
    const h = ((height - bottom - top) * bin.count) / most;
    const x = left + i * step;
    const y = height - bottom - h;
    const bar = document.createElementNS(ns, "rect");
    Object.entries({ class: "bin", x: x + 2, y, width: step - 4, height: h, rx: 2 })
      .forEach(([k, v]) => bar.setAttribute(k, v));
    const title = document.createElementNS(ns, "title");
    title.textContent = `${bin.low}–${bin.high}: ${bin.count}`;
    bar.appendChild(title);
    parts.push(bar);
    if (bin.count) parts.push(label(x + step / 2, y - 4, number.format(bin.count), "value"));
    parts.push(label(x, height - 6, String(bin.low), ""));
  });
  const end = label(width - 1, height - 6, "100", "");
  end.setAttribute("text-anchor", "end");
  parts.push(end);
  function label(x, y, text, className) {
    const t = document.createElementNS(ns, "text");
    Object.entries({ x, y, "text-anchor": "middle", class: className })
      .forEach(([k, v]) => t.setAttribute(k, v));
    t.textContent = text;
    return t;
  }
  svg.replaceChildren(...parts);
  setText("scores-summary", scores.count
    ? `${number.format(scores.count)} scored · mean ${scores.mean.toFixed(1)}` : "none yet");
}

function renderBudget(budget) {
  setText("budget-committed", money(budget.committed_cents, budget.currency));
  setText("budget-cap", budget.cap_cents === null ? "unknown" : money(budget.cap_cents, budget.currency));
  const share = budget.cap_cents ? (100 * budget.committed_cents) / budget.cap_cents : 0;
  setText("budget-share", `${share.toFixed(0)}%`);
  $("budget-bar").style.width = `${Math.min(100, share)}%`;
  $("budget-bar").classList.toggle("over", share > 100);
}

function renderOffers(offers) {
  for (const state of ["open", "accepted", "declined", "expired"]) {
    setText(`offers-${state}`, number.format(offers[state]));
  }
  openOffers = offers.open_offers;
  renderOpenOffers();
}

function renderOpenOffers() {
  $("open-offers").replaceChildren(...openOffers.slice(0, OPEN_OFFERS_SHOWN).map((o) => row([
    [`#${o.rank}`], [o.offer_id.slice(0, 8), "mono"], [shortTime(o.expires_at)], [timeLeft(o.expires_at)],
  ])));
  const more = openOffers.length - OPEN_OFFERS_SHOWN;
  setText("open-offers-more", more > 0 ? `and ${more} more open offers`
    : openOffers.length ? "" : "no offer is waiting for an answer");
}

function renderReviews(reviews) {
  const k = reviews.reviewers_per_application;
  setText("reviews-rules", `${k ? `${k} reviews per application · ` : ""}disagreement above ${reviews.disagreement_spread} points`);
  setText("reviews-under-review", number.format(reviews.under_review));
  setText("reviews-complete", number.format(reviews.complete));
  setText("reviews-lacking", number.format(reviews.lacking));
  setText("reviews-disagreements", number.format(reviews.disagreements));
  $("reviewers").replaceChildren(...reviews.reviewers.map((r) => {
    const tr = row([[r.reviewer_id, "mono"], [`${r.done} / ${r.assigned}`, "num"], [String(r.conflicts), "num"]]);
    tr.dataset.reviewer = r.reviewer_id;
    return tr;
  }));
  setText("reviewers-none", reviews.reviewers.length ? "" : "nothing assigned yet");
  $("lacking").replaceChildren(...reviews.lacking_listed.map((g) => row([
    [g.application_id, "mono"], [`${g.submitted} of ${g.needed}`, "num"],
  ])));
  const lackingMore = reviews.lacking - reviews.lacking_listed.length;
  setText("lacking-more", lackingMore > 0 ? `and ${lackingMore} more` : reviews.lacking ? "" : "none");
  $("disagreements").replaceChildren(...reviews.disagreements_listed.map((d) => row([
    [d.application_id, "mono"], [String(d.low), "num"], [String(d.high), "num"], [String(d.high - d.low), "num"],
  ])));
  const disagreementsMore = reviews.disagreements - reviews.disagreements_listed.length;
  setText("disagreements-more", disagreementsMore > 0 ? `and ${disagreementsMore} more`
    : reviews.disagreements ? "" : "none");
}

function render(view) {
  renderEditions(view);
  const edition = view.edition;
  if (!edition) {
    setText("edition-name", "no edition opened yet");
    return;
  }
  setText("edition-name", edition.name || edition.edition_id);
  setText("edition-state", edition.state);
  renderFunnel(edition.funnel);
  setText("withdrawn", number.format(edition.withdrawn));
  setText("waitlisted", number.format(edition.waitlisted));
  setText("not-selected", number.format(edition.not_selected));
  renderHistogram(edition.scores);
  renderBudget(edition.budget);
  renderOffers(edition.offers);
  renderReviews(edition.reviews);
  $("recent-events").replaceChildren(...edition.recent_events.slice(0, 12).map((e) => row([
    [shortTime(e.time)], [e.type.replace(/^accelerator\./, "")], [e.subject.slice(0, 36), "mono"],
  ])));
  $("consumer-lag").replaceChildren(...view.consumer_lag.map((l) => row([
    [l.service], [l.lag === null ? "no commits yet" : number.format(l.lag), "num"],
  ])));
  $("consumer-lag").querySelectorAll("tr").forEach((tr, i) => {
    tr.dataset.service = view.consumer_lag[i].service;
  });
  setText("lag-checked", view.lag_checked_at ? `at ${shortTime(view.lag_checked_at).slice(11)}` : "");
  setText("mails-sent", number.format(edition.notifications_sent));
  setText("mails-failed", number.format(edition.notifications_failed));
  setText("dead-letters", number.format(edition.dead_letters));
  setText("events-seen", number.format(view.events_seen));
  setText("as-of", shortTime(view.as_of).slice(11));
}

function connect() {
  const query = requested ? `?edition=${encodeURIComponent(requested)}` : "";
  const source = new EventSource(`/v1/dashboard/stream${query}`);
  const status = $("connection");
  source.addEventListener("picture", (event) => {
    const view = JSON.parse(event.data);
    render(view);
    status.textContent = view.caught_up ? "live" : "reading history…";
    status.className = `pill ${view.caught_up ? "pill-live" : "pill-wait"}`;
  });
  // EventSource reconnects by itself; the badge only says so.
  source.onerror = () => { status.textContent = "reconnecting…"; status.className = "pill pill-down"; };
}

$("edition").addEventListener("change", (event) => {
  location.search = `?edition=${encodeURIComponent(event.target.value)}`;
});
setInterval(renderOpenOffers, 1000);
connect();
