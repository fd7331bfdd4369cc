// The dashboard: stats, chart, review queue, referrals and ledger tables, exports, API keys.
import { api, clearFieldErrors, count, day, download, el, lang, money as moneyIn, say, showFieldError, toast } from "./admin_api.js";
import { drawChart } from "./chart.js";

const PER_PAGE = 20;
const state = { referralsPage: 1, ledgerPage: 1, q: "" };

function failed(data) {
  toast(data.error?.message ?? say("Something went wrong."));
}

async function loadStats() {
  const { ok, data } = await api("/api/stats?days=30");
  if (!ok) return failed(data);
  const money = (v) => moneyIn(v, data.currency);
  const values = {
    ...data.funnel,
    referred_revenue: money(data.referred_revenue),
    conversion_rate: data.conversion_rate === null ? "–" : new Intl.NumberFormat(lang, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(Number(data.conversion_rate)),
    points_outstanding: count(data.points.outstanding),
    outstanding_value: money(data.points.outstanding_value),
  };
  for (const node of document.querySelectorAll("[data-stat]")) node.textContent = values[node.dataset.stat];
  drawChart(document.getElementById("chart"), data.series, data.currency);
  const body = document.getElementById("top-referrers");
  body.replaceChildren(
    ...data.top_referrers.map((t) =>
      el("tr", {}, el("td", {}, t.name ?? t.email ?? "—"), el("td", { class: "mono" }, t.referral_code),
        el("td", { class: "num" }, count(t.referrals)), el("td", { class: "num" }, money(t.revenue)),
        el("td", {}, el("a", { href: `/api/cards/${t.customer_id}`, target: "_blank" }, say("Card for %(code)s", { code: t.referral_code })))),
    ),
  );
  if (!data.top_referrers.length) body.append(el("tr", {}, el("td", { colspan: 5, class: "empty" }, say("No converted referrals yet."))));
}

async function loadChannels() {
  const { ok, data } = await api("/api/channels");
  if (!ok) return failed(data);
  const body = document.getElementById("channels");
  body.replaceChildren(
    ...data.channels.map((c) =>
      el("tr", {}, el("td", {}, say(`channel_${c.channel}`)), el("td", { class: "num" }, count(c.visits)),
        el("td", { class: "num" }, count(c.claims)), el("td", { class: "num" }, count(c.orders)))),
  );
  if (!data.channels.length) body.append(el("tr", {}, el("td", { colspan: 4, class: "empty" }, say("No shared links opened yet."))));
}

async function loadReview() {
  const { ok, data } = await api("/api/review");
  if (!ok) return failed(data);
  const box = document.getElementById("review-queue");
  if (!data.referrals.length) return box.replaceChildren(el("p", { class: "empty" }, say("Nothing to review.")));
  box.replaceChildren(
    ...data.referrals.map((r) => {
      const reasonId = `reason-${r.id}`;
      const decide = (decision) => async () => {
        const reason = document.getElementById(reasonId).value;
        const answer = await api(`/api/review/${r.id}`, { method: "POST", body: { decision, reason } });
        if (!answer.ok) return failed(answer.data);
        toast(say(decision === "approve" ? "Approved: points are pending." : "Rejected."));
        refresh();
      };
      return el("article", { class: "review-item" },
        el("p", {}, el("strong", {}, r.friend_email ?? say("(erased)")), ` · ${say("order %(id)s", { id: r.order_id ?? "—" })} · ${r.order_subtotal ?? ""}`),
        el("p", { class: "hint" }, say("Flagged: %(reason)s", { reason: (r.review_reason ?? "").replaceAll("_", " ") })),
        el("label", { for: reasonId }, say("Reason for your decision")),
        el("input", { id: reasonId, maxlength: 1000 }),
        el("div", { class: "actions" },
          el("button", { type: "button", class: "primary", onclick: decide("approve") }, say("Approve")),
          el("button", { type: "button", class: "danger", onclick: decide("reject") }, say("Reject"))));
    }),
  );
}

function pager(nav, page, total, go) {
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  nav.replaceChildren(
    el("button", { type: "button", ...(page <= 1 ? { disabled: "" } : {}), onclick: () => go(page - 1) }, say("Previous")),
    el("span", {}, say("Page %(page)s of %(pages)s · %(total)s rows", { page: count(page), pages: count(pages), total: count(total) })),
    el("button", { type: "button", ...(page >= pages ? { disabled: "" } : {}), onclick: () => go(page + 1) }, say("Next")),
  );
}

async function loadReferrals() {
  const query = new URLSearchParams({ page: state.referralsPage, per_page: PER_PAGE, q: state.q });
  const { ok, data } = await api(`/api/referrals?${query}`);
  if (!ok) return failed(data);
  const body = document.getElementById("referrals");
  body.replaceChildren(
    ...data.referrals.map((r) =>
      el("tr", {}, el("td", {}, day(r.created_at)), el("td", {}, r.friend_email ?? say("(erased)")),
        el("td", {}, r.order_id ?? "—"), el("td", { class: "num" }, r.order_subtotal ?? "—"),
        el("td", {}, el("span", { class: `status ${r.status}` }, say(r.status))),
        el("td", { class: "num" }, String(r.points_pending + r.points_approved)))),
  );
  if (!data.referrals.length) body.append(el("tr", {}, el("td", { colspan: 6, class: "empty" }, say("No referrals found."))));
  pager(document.getElementById("referrals-pager"), data.page, data.total, (p) => { state.referralsPage = p; loadReferrals(); });
}

async function loadLedger() {
  const { ok, data } = await api(`/api/ledger?page=${state.ledgerPage}&per_page=${PER_PAGE}`);
  if (!ok) return failed(data);
  const body = document.getElementById("ledger");
  body.replaceChildren(
    ...data.entries.map((e) =>
      el("tr", {}, el("td", {}, day(e.created_at)), el("td", {}, e.email ?? e.referral_code),
        el("td", {}, say(e.kind)), el("td", { class: "num" }, String(e.pending_delta)),
        el("td", { class: "num" }, String(e.available_delta)))),
  );
  if (!data.entries.length) body.append(el("tr", {}, el("td", { colspan: 5, class: "empty" }, say("No ledger entries yet."))));
  pager(document.getElementById("ledger-pager"), data.page, data.total, (p) => { state.ledgerPage = p; loadLedger(); });
}

async function loadKeys() {
  const { ok, data } = await api("/api/keys");
  if (!ok) return failed(data);
  document.getElementById("keys").replaceChildren(
    ...data.keys.map((k) =>
      el("tr", {}, el("td", {}, k.name || "—"), el("td", { class: "mono" }, `${k.prefix}_…`), el("td", {}, day(k.created_at)),
        el("td", {}, k.revoked_at ? say("revoked %(date)s", { date: day(k.revoked_at) }) : say("active")),
        el("td", {}, k.revoked_at ? "" : el("button", {
          type: "button", class: "danger", "aria-label": say("Revoke key %(name)s", { name: k.name || k.prefix }),
          onclick: async () => {
            const answer = await api(`/api/keys/${k.id}`, { method: "DELETE" });
            if (!answer.ok) return failed(answer.data);
            toast(say("Key revoked."));
            loadKeys();
          },
        }, say("Revoke"))))),
  );
}

document.getElementById("referral-search").addEventListener("submit", (event) => {
  event.preventDefault();
  state.q = document.getElementById("q").value;
  state.referralsPage = 1;
  loadReferrals();
});

document.getElementById("key-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  clearFieldErrors(event.target.parentElement);
  const { ok, data } = await api("/api/keys", { method: "POST", body: { name: document.getElementById("key-name").value } });
  if (!ok) {
    if (!showFieldError(data.error?.field, data.error?.message)) failed(data);
    return;
  }
  document.getElementById("new-key-secret").textContent = data.secret;
  document.getElementById("new-key").hidden = false;
  document.getElementById("key-name").value = "";
  loadKeys();
});

for (const button of document.querySelectorAll("[data-export]")) {
  button.addEventListener("click", () => download(`/api/exports/${button.dataset.export}.csv`));
}

function refresh() {
  loadStats();
  loadChannels();
  loadReview();
  loadReferrals();
  loadLedger();
}

refresh();
loadKeys();
