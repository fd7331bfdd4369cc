// Where Passiton runs: replace with your PASSITON_APP_URL (as in shopify.app.toml) before
// `shopify app deploy`. The extension can only reach hosts it names at build time.
export const APP_URL = 'https://passiton.example.com';
