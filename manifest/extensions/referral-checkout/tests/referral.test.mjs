// Unit tests of the block's logic (src/referral.ts, bundled by scripts/check-extensions).
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {askReferral, parseReferral, shareLinks, widgetUrl} from '../build/test/referral.mjs';

const REFERRAL = {
  referral_code: 'ANNA-7K2Q',
  link: 'https://passiton.example.com/r/ANNA-7K2Q',
  shop_name: 'Anna Rings',
  friend_offer: '15%',
  gifts_enabled: true,
  referrer_reward: null,
};

function answers(...responses) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({url, init});
    const next = responses.shift();
    if (next instanceof Error) throw next;
    return new Response(next.body === undefined ? null : JSON.stringify(next.body), {
      status: next.status,
    });
  };
  return {calls, fetch};
}

const options = (fetch, waits = []) => ({
  appUrl: 'https://passiton.example.com',
  orderId: 'gid://shopify/OrderIdentity/820982911946154508',
  token: async () => 'session-token',
  fetch,
  wait: async (ms) => {
    waits.push(ms);
  },
});

test('the order id and session token go to Passiton as a bearer call', async () => {
  const {calls, fetch} = answers({status: 200, body: REFERRAL});

  const outcome = await askReferral(options(fetch));

  assert.deepEqual(outcome, {kind: 'ready', referral: REFERRAL});
  assert.equal(calls[0].url, 'https://passiton.example.com/shopify/extension/referral');
  assert.equal(calls[0].init.method, 'POST');
  assert.equal(calls[0].init.headers.Authorization, 'Bearer session-token');
  assert.deepEqual(JSON.parse(calls[0].init.body), {
    order_id: 'gid://shopify/OrderIdentity/820982911946154508',
  });
  assert.equal(calls[0].init.credentials, undefined);
});

test('an order Shopify is still creating is asked for again, with growing pauses', async () => {
  const waits = [];
  const {calls, fetch} = answers({status: 404}, {status: 503}, {status: 200, body: REFERRAL});

  const outcome = await askReferral(options(fetch, waits));

  assert.equal(outcome.kind, 'ready');
  assert.equal(calls.length, 3);
  assert.deepEqual(waits, [2500, 5000]);
});

test('a network failure counts as a busy store', async () => {
  const {fetch} = answers(new TypeError('offline'), {status: 200, body: REFERRAL});

  assert.equal((await askReferral(options(fetch))).kind, 'ready');
});

test('a refusal is final: the block is left out', async () => {
  for (const status of [401, 403, 409, 400]) {
    const {calls, fetch} = answers({status});
    assert.deepEqual(await askReferral(options(fetch)), {kind: 'none'});
    assert.equal(calls.length, 1);
  }
});

test('the block gives up after its attempts', async () => {
  const {calls, fetch} = answers({status: 404}, {status: 404}, {status: 404}, {status: 404});

  assert.deepEqual(await askReferral(options(fetch)), {kind: 'unavailable'});
  assert.equal(calls.length, 4);
});

test('an answer without a usable link is not shown', () => {
  assert.equal(parseReferral(null), null);
  assert.equal(parseReferral({...REFERRAL, link: 'javascript:alert(1)'}), null);
  assert.equal(parseReferral({...REFERRAL, gifts_enabled: 'yes'}), null);
  assert.equal(parseReferral({...REFERRAL, referral_code: ''}), null);
  assert.deepEqual(parseReferral({...REFERRAL, referrer_reward: 'lots'}), REFERRAL);
});

test('share links carry the editable message on one-to-one channels', () => {
  const links = shareLinks('15% off: https://p.example/r/A B&C', 'A gift');

  assert.equal(links.whatsapp, 'https://wa.me/?text=15%25%20off%3A%20https%3A%2F%2Fp.example%2Fr%2FA%20B%26C');
  assert.equal(links.sms, 'sms:?&body=15%25%20off%3A%20https%3A%2F%2Fp.example%2Fr%2FA%20B%26C');
  assert.equal(links.email, 'mailto:?subject=A%20gift&body=15%25%20off%3A%20https%3A%2F%2Fp.example%2Fr%2FA%20B%26C');
});

test('the widget is reached through the app proxy of the storefront', () => {
  assert.equal(widgetUrl('https://anna-rings.com/'), 'https://anna-rings.com/apps/passiton');
  assert.equal(widgetUrl(undefined), null);
});
