// The settings page: load the current settings, save changes, show refusals at their field.
import { api, clearFieldErrors, say, showFieldError, toast } from "./admin_api.js";

const form = document.getElementById("settings-form");
const version = document.getElementById("settings-version");
const formError = document.getElementById("form-error");
const tiers = form.querySelector('[data-list="milestones"]');
const tierRow = document.getElementById("milestone-row");

// Milestone tiers are rows of two unnamed inputs: collect() sends them as one list, the way the
// API takes them, so a refusal names the one field "milestones".
function addTier(tier = { referrals: "", points: "" }) {
  const row = tierRow.content.firstElementChild.cloneNode(true);
  row.querySelector('[data-tier="referrals"]').value = tier.referrals;
  row.querySelector('[data-tier="points"]').value = tier.points;
  tiers.append(row);
  numberTiers();
  return row;
}

function numberTiers() {
  [...tiers.children].forEach((row, index) => {
    const remove = row.querySelector('[data-action="remove-milestone"]');
    remove.setAttribute("aria-label", remove.dataset.label.replace("%(number)s", index + 1));
  });
}

function collectTiers() {
  const typed = (input) => {
    const text = input.value.trim();
    return /^-?\d+$/.test(text) ? Number(text) : text;
  };
  return [...tiers.children]
    .map((row) => ({
      referrals: typed(row.querySelector('[data-tier="referrals"]')),
      points: typed(row.querySelector('[data-tier="points"]')),
    }))
    .filter((tier) => tier.referrals !== "" || tier.points !== "");
}

form.querySelector('[data-action="add-milestone"]').addEventListener("click", () => {
  addTier().querySelector("input").focus();
});

tiers.addEventListener("click", (event) => {
  const remove = event.target.closest('[data-action="remove-milestone"]');
  if (!remove) return;
  remove.closest("li").remove();
  numberTiers();
});

function fill(settings) {
  for (const [name, value] of Object.entries(settings)) {
    if (name === "milestones") {
      tiers.replaceChildren();
      for (const tier of value) addTier(tier);
      continue;
    }
    const radios = form.querySelectorAll(`input[type=radio][name="${name}"]`);
    if (radios.length) {
      for (const radio of radios) radio.checked = radio.value === value;
      continue;
    }
    const input = form.elements.namedItem(name);
    if (!input) continue;
    if (input.type === "checkbox") input.checked = Boolean(value);
    else input.value = value;
  }
}

function collect() {
  const out = {};
  for (const input of form.querySelectorAll("input, textarea")) {
    if (!input.name) continue;
    if (input.type === "radio") {
      if (input.checked) out[input.name] = input.value;
    } else if (input.type === "checkbox") {
      out[input.name] = input.checked;
    } else if (input.type === "number") {
      // Anything that is not a whole number goes as typed: the server names the field.
      const text = input.value.trim();
      out[input.name] = /^-?\d+$/.test(text) ? Number(text) : text;
    } else {
      out[input.name] = input.value;
    }
  }
  out.milestones = collectTiers();
  return out;
}

async function load() {
  const { ok, data } = await api("/api/settings");
  if (!ok) {
    formError.textContent = data.error?.message ?? say("Could not load the settings.");
    formError.hidden = false;
    return;
  }
  fill(data.settings);
  version.textContent = data.version;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearFieldErrors(form);
  formError.hidden = true;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const { ok, data } = await api("/api/settings", { method: "PUT", body: collect() });
    if (ok) {
      fill(data.settings);
      version.textContent = data.version;
      toast(say("Saved. Settings version %(version)s.", { version: data.version }));
      return;
    }
    const error = data.error ?? {};
    if (!error.field || !showFieldError(error.field, error.message)) {
      formError.textContent = error.message ?? say("The settings could not be saved.");
      formError.hidden = false;
    }
  } finally {
    button.disabled = false;
  }
});

load();
