// The settings page: load the current settings, save changes, show refusals at their field.
import { api, clearFieldErrors, say, showFieldError, toast } from "./admin_api.js";

const form = document.getElementById("settings-form");
const version = document.getElementById("settings-version");
const formError = document.getElementById("form-error");

function fill(settings) {
  for (const [name, value] of Object.entries(settings)) {
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
