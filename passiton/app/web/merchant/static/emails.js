// The E-mails page: the shop's messages, newest first, and a preview of the chosen one.
import { api, clearFieldErrors, count, el, say, showFieldError, toast } from "./admin_api.js";

const PER_PAGE = 20;
let page = 1;

function when(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(document.documentElement.lang || "en", { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

function pager(nav, current, total) {
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  nav.replaceChildren(
    el("button", { type: "button", ...(current <= 1 ? { disabled: "" } : {}), onclick: () => { page = current - 1; load(); } }, say("Previous")),
    el("span", {}, say("Page %(page)s of %(pages)s · %(total)s rows", { page: count(current), pages: count(pages), total: count(total) })),
    el("button", { type: "button", ...(current >= pages ? { disabled: "" } : {}), onclick: () => { page = current + 1; load(); } }, say("Next")),
  );
}

async function preview(email) {
  const { ok, data } = await api(`/api/emails/${email.id}/preview`);
  if (!ok) return toast(data.error?.message ?? say("Something went wrong."));
  const box = document.getElementById("preview");
  box.hidden = false;
  document.getElementById("preview-h").textContent = say("Preview of the e-mail to %(to)s", { to: email.recipient });
  document.getElementById("preview-subject").textContent = data.subject;
  // srcdoc in a sandboxed frame: the message's HTML is shown, never run in this page.
  document.getElementById("preview-html").srcdoc = data.html;
  document.getElementById("preview-text").textContent = data.text;
  box.scrollIntoView();
}

async function load() {
  const query = new URLSearchParams({ page, per_page: PER_PAGE });
  const { ok, data } = await api(`/api/emails?${query}`);
  if (!ok) return toast(data.error?.message ?? say("Something went wrong."));
  const body = document.getElementById("emails");
  body.replaceChildren(
    ...data.emails.map((m) =>
      el("tr", { "data-email": m.id },
        el("td", {}, when(m.sent_at ?? m.created_at)),
        el("td", {}, say(m.kind)),
        el("td", {}, m.recipient),
        el("td", {}, say(m.status)),
        el("td", { class: "error-text" }, m.last_error ?? ""),
        el("td", {}, el("button", { type: "button", class: "link", onclick: () => preview(m) }, say("Preview"))),
      ),
    ),
  );
  if (!data.emails.length) body.append(el("tr", {}, el("td", { colspan: 6, class: "empty" }, say("No e-mails yet."))));
  pager(document.getElementById("emails-pager"), data.page, data.total);
}

async function loadSettings() {
  const { ok, data } = await api("/api/mail-settings");
  if (!ok) return toast(data.error?.message ?? say("Something went wrong."));
  const form = document.getElementById("mail-settings");
  const settings = data.settings;
  form.elements.sender_name.value = settings.sender_name;
  form.elements.reply_to.value = settings.reply_to;
  for (const box of form.querySelectorAll('input[name="kind"]')) box.checked = !settings.disabled_kinds.includes(box.value);
  form.elements.invitations_transactional.checked = settings.invitations_transactional;
}

async function saveSettings(event) {
  event.preventDefault();
  const form = event.target;
  clearFieldErrors(form);
  const body = {
    sender_name: form.elements.sender_name.value,
    reply_to: form.elements.reply_to.value,
    disabled_kinds: [...form.querySelectorAll('input[name="kind"]')].filter((b) => !b.checked).map((b) => b.value),
    invitations_transactional: form.elements.invitations_transactional.checked,
  };
  const { ok, data } = await api("/api/mail-settings", { method: "PUT", body });
  if (ok) return toast(say("Mail settings saved."));
  if (!(data.error?.field && showFieldError(data.error.field, data.error.message))) toast(data.error?.message ?? say("Something went wrong."));
}

async function sendTest() {
  const { ok, data } = await api("/api/mail-settings/test", { method: "POST" });
  if (!ok) return toast(data.error?.message ?? say("Something went wrong."));
  toast(say("Test message sent to %(to)s.", { to: data.email.recipient }));
  page = 1;
  load();
}

document.getElementById("mail-settings").addEventListener("submit", saveSettings);
document.getElementById("send-test").addEventListener("click", sendTest);
loadSettings();
load();
