// The storefront widget: copy and share the link, refresh from widget.json, redeem points.
(() => {
  const root = document.getElementById("passiton-widget");
  if (!root) return;
  // The proxy's storefront path ("/apps/passiton/"): "./widget.json" alone would miss it when
  // the page is shown at "/apps/passiton" without a trailing slash.
  const api = (name) => new URL(name, new URL(root.dataset.apiBase || "./", location.href));
  const $ = (selector) => root.querySelector(selector);
  // The page's words come from the server's catalogue, in the language the page is shown in.
  const text = JSON.parse(root.dataset.text || "{}");
  const say = (key, values = {}) =>
    (text[key] ?? key).replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
  const lang = root.lang || "en";
  const fmt = (n) => Number(n).toLocaleString(lang);
  const signed = (n) => Number(n).toLocaleString(lang, { signDisplay: "exceptZero" });

  function row(cells) {
    const tr = document.createElement("tr");
    for (const [text, cls] of cells) {
      const td = document.createElement("td");
      td.textContent = text;
      if (cls) td.className = cls;
      tr.append(td);
    }
    return tr;
  }

  function render(data) {
    const c = data.customer;
    if (!c) return;
    share.dataset.link = c.link;
    updateShareLinks();
    $('[data-field="points_available"]').textContent = fmt(c.points_available);
    $('[data-field="points_pending"]').textContent = fmt(c.points_pending);
    $('[data-field="available_value"]').textContent = c.available_value_text;
    for (const input of root.querySelectorAll('input[name="points"]')) input.max = c.points_available;
    const history = $('[data-list="history"]');
    if (data.history.length) {
      history.replaceChildren(...data.history.map((h) =>
        row([[h.date_text], [h.description], [signed(h.points), "pw-num"]])));
    }
    const rewards = $('[data-list="rewards"]');
    if (data.rewards.length) {
      rewards.replaceChildren(...data.rewards.map((r) =>
        row([[r.code, "pw-code"], [say(r.kind === "gift" ? "a_gift" : "you")], [r.amount_text, "pw-num"]])));
    }
  }

  async function refresh() {
    try {
      const response = await fetch(api("widget.json"), { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) render(await response.json());
    } catch {
      // The page already shows what the server rendered; a failed refresh changes nothing.
    }
  }

  // Each way of sharing carries its own channel (`ch`) on the same link, so the store sees
  // which one brought a friend; the message is the buyer's own, edited in the text box.
  const share = $(".pw-share") ?? document.createElement("div");
  const linkFrom = (channel) => `${share.dataset.link}?ch=${channel}`;
  const message = () => $('[data-field="message"]')?.value.trim() ?? "";
  const withLink = (channel) => `${message()} ${linkFrom(channel)}`.trim();
  const enc = encodeURIComponent;
  const hrefs = {
    whatsapp: () => `https://wa.me/?text=${enc(withLink("whatsapp"))}`,
    sms: () => `sms:?&body=${enc(withLink("sms"))}`,
    mail: () => `mailto:?subject=${enc(share.dataset.subject)}&body=${enc(withLink("mail"))}`,
  };

  function updateShareLinks() {
    if (!share.dataset.link) return;
    for (const [channel, href] of Object.entries(hrefs)) {
      const a = share.querySelector(`[data-share="${channel}"]`);
      if (a) a.href = href();
    }
    const field = $('[data-field="link"]');
    if (field) field.value = linkFrom("copy");
  }

  $('[data-field="message"]')?.addEventListener("input", updateShareLinks);

  root.addEventListener("click", async (event) => {
    const action = event.target.closest("[data-action]")?.dataset.action;
    if (!share.dataset.link) return;
    if (action === "copy") {
      const link = linkFrom("copy");
      try {
        await navigator.clipboard.writeText(link);
      } catch {
        $('[data-field="link"]').select();
        document.execCommand("copy");
      }
      // Emptied first: saying the same words twice would not be announced again.
      $("#pw-copied").textContent = "";
      requestAnimationFrame(() => { $("#pw-copied").textContent = say("copied"); });
    }
    if (action === "share") {
      const data = { title: share.dataset.subject, text: message(), url: linkFrom("share") };
      navigator.share(data).catch(() => {});
    }
  });

  const native = $('[data-action="share"]');
  if (native && navigator.share) native.hidden = false;

  for (const form of root.querySelectorAll("form.pw-redeem")) {
    let key = crypto.randomUUID();
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const result = form.querySelector('[role="status"]');
      const input = form.querySelector('input[name="points"]');
      const points = Number(input.value);
      result.className = "";
      if (!Number.isInteger(points) || points < Number(input.min)) {
        result.className = "pw-error";
        result.textContent = say("min_points", { points: fmt(input.min) });
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return;
      }
      input.removeAttribute("aria-invalid");
      const button = form.querySelector("button");
      button.disabled = true;
      try {
        // The same key on a retry: the server then returns the same code and debits once.
        const response = await fetch(api("redeem"), {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({ points, kind: form.dataset.kind, idempotency_key: key }),
        });
        const data = await response.json().catch(() => ({}));
        if (!response.ok) {
          result.className = "pw-error";
          result.textContent = text.refusals?.[data.error?.code] ?? text.refusals?.[""] ?? "";
          return;
        }
        key = crypto.randomUUID();
        input.value = "";
        const made = data.reward.kind === "gift" ? "your_gift_code" : "your_code";
        result.textContent = say(made, { code: data.reward.code, amount: data.reward.amount_text });
        refresh();
      } catch {
        result.className = "pw-error";
        result.textContent = say("offline");
      } finally {
        button.disabled = false;
      }
    });
  }

  refresh();
})();
