// Unit tests of the account page's logic (src/account.ts, bundled by scripts/check-extensions).
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {loadAccount, parseAccount, redeemPoints, redeemableOptions} from '../build/test/account.mjs';

const ACCOUNT = {
  friend_offer: '15%',
  gifts_enabled: true,
  min_redemption_points: 500,
  customer: {
    referral_code: 'ANNA-7K2Q',
    link: 'https://passiton.example.com/r/ANNA-7K2Q',
    points_pending: 0,
    points_available: 1200,
    available_value_text: '€12.00',
  },
  history: [{date_text: '1 Nov 2026', description: "A friend's order", points: 1200}],
  rewards: [],
};

function caller(...responses) {
  const calls = [];
  return {
    calls,
    appUrl: 'https://passiton.example.com',
    token: async () => 'session-token',
    fetch: async (url, init) => {
      calls.push({url, init});
      const next = responses.shift();
      if (next instanceof Error) throw next;
      return new Response(JSON.stringify(next.body ?? null), {status: next.status});
    },
  };
}

test('the account is read with the session token as a bearer', async () => {
  const api = caller({status: 200, body: ACCOUNT});

  assert.deepEqual(await loadAccount(api), ACCOUNT);
  assert.equal(api.calls[0].url, 'https://passiton.example.com/shopify/extension/account');
  assert.equal(api.calls[0].init.method, 'GET');
  assert.equal(api.calls[0].init.headers.Authorization, 'Bearer session-token');
});

test('a refusal or an unreachable server shows no account', async () => {
  assert.equal(await loadAccount(caller({status: 401, body: {error: {code: 'not_logged_in'}}})), null);
  assert.equal(await loadAccount(caller(new TypeError('offline'))), null);
  assert.equal(parseAccount({...ACCOUNT, customer: null}), null);
  assert.equal(parseAccount({...ACCOUNT, customer: {...ACCOUNT.customer, link: 'javascript:x'}}), null);
});

test('a redemption sends points, kind and its idempotency key', async () => {
  const reward = {kind: 'gift', code: 'GIFT-1', amount_text: '€5.00', status: 'active'};
  const api = caller({status: 200, body: {reward}});

  const result = await redeemPoints(api, 500, 'gift', 'key-1');

  assert.deepEqual(result, {kind: 'done', reward});
  assert.deepEqual(JSON.parse(api.calls[0].init.body), {
    points: 500,
    kind: 'gift',
    idempotency_key: 'key-1',
  });
  assert.equal(api.calls[0].init.headers['Content-Type'], 'application/json');
});

test('a refused redemption says why', async () => {
  const api = caller({status: 409, body: {error: {code: 'insufficient_points'}}});

  assert.deepEqual(await redeemPoints(api, 5000, 'reward', 'key-2'), {
    kind: 'refused',
    code: 'insufficient_points',
  });
});

test('points can be used from the shop minimum on', () => {
  assert.equal(redeemableOptions(ACCOUNT), true);
  const poorer = {...ACCOUNT, customer: {...ACCOUNT.customer, points_available: 499}};
  assert.equal(redeemableOptions(poorer), false);
});
