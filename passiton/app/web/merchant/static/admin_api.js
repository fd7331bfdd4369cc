// Calls to the merchant JSON API with the page's credentials: a Shopify session token from
// App Bridge when embedded in the Shopify admin, otherwise the login cookie plus CSRF header.

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content ?? "";

// The page's words come from the server's catalogue, rendered into the page in its language;
// money and dates are written the way that language writes them, dates in the shop's time zone.
const TEXT = JSON.parse(document.getElementById("page-text")?.textContent || "{}");
export const lang = document.documentElement.lang || "en";

export function say(key, values = {}) {
  return (TEXT[key] ?? key).replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
}

export function money(amount, currency) {
  if (amount === null || amount === undefined || amount === "") return "—";
  // Display only: the API's decimal strings stay exact; Intl formats with the same CLDR data as Babel.
  return new Intl.NumberFormat(lang, { style: "currency", currency }).format(Number(amount));
}

export function count(n) {
  return Number(n).toLocaleString(lang);
}

export function day(iso) {
  if (!iso) return "";
  const timeZone = meta("passiton-timezone") || undefined;
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone }).format(new Date(iso));
}

async function authHeaders() {
  if (meta("passiton-auth") === "shopify") {
    // App Bridge mints a fresh, short-lived token on every call.
    const token = await window.shopify.idToken();
    return { Authorization: `Bearer ${token}` };
  }
  return { "X-CSRF-Token": meta("csrf-token") };
}

export async function api(path, { method = "GET", body } = {}) {
  const headers = { Accept: "application/json", ...(await authHeaders()) };
  const init = { method, headers, credentials: "same-origin" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = { error: { code: "bad_response", message: say("Unexpected answer from the server.") } };
  }
  return { ok: response.ok, status: response.status, data };
}

export async function download(path) {
  // A plain link cannot carry the bearer token, so fetch the file and hand it over as a blob.
  const response = await fetch(path, { headers: await authHeaders(), credentials: "same-origin" });
  if (!response.ok) {
    toast(say("The export failed. Please try again."));
    return;
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "");
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: name?.[1] ?? "export.csv" });
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

export function toast(message) {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.classList.add("shown");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => box.classList.remove("shown"), 4000);
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  // Text only through textContent: data from the store never becomes markup.
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child ?? ""));
  return node;
}

export function showFieldError(field, message) {
  const box = document.querySelector(`[data-error-for="${field}"]`);
  const input = document.getElementById(field) ?? document.querySelector(`[name="${field}"]`);
  if (!box) return false;
  box.textContent = message;
  box.hidden = false;
  if (input) {
    input.setAttribute("aria-invalid", "true");
    input.focus();
  }
  return true;
}

export function clearFieldErrors(root = document) {
  for (const box of root.querySelectorAll("[data-error-for]")) {
    box.hidden = true;
    box.textContent = "";
  }
  for (const input of root.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
}
