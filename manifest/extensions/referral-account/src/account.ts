// What the account page does, apart from drawing it: read the buyer's referral account and turn
// points into a code, with Passiton's /shopify/extension/ routes and the page's session token.

export interface AccountCustomer {
  referral_code: string;
  link: string;
  points_pending: number;
  points_available: number;
  available_value_text: string;
}

export interface HistoryLine {
  date_text: string;
  description: string;
  points: number;
}

export interface Reward {
  kind: string;
  code: string;
  amount_text: string;
  status: string;
}

export interface Account {
  friend_offer: string;
  gifts_enabled: boolean;
  min_redemption_points: number;
  customer: AccountCustomer;
  history: HistoryLine[];
  rewards: Reward[];
}

export interface Caller {
  appUrl: string;
  token: () => Promise<string>;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
}

async function call(caller: Caller, path: string, init: RequestInit): Promise<Response | null> {
  const headers: Record<string, string> = {Authorization: `Bearer ${await caller.token()}`};
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    return await caller.fetch(`${caller.appUrl}/shopify/extension/${path}`, {...init, headers});
  } catch {
    return null;
  }
}

export async function loadAccount(caller: Caller): Promise<Account | null> {
  const response = await call(caller, 'account', {method: 'GET'});
  if (!response?.ok) return null;
  return parseAccount(await response.json().catch(() => null));
}

export function parseAccount(body: unknown): Account | null {
  if (typeof body !== 'object' || body === null) return null;
  const value = body as Record<string, unknown>;
  const customer = value.customer as AccountCustomer | null | undefined;
  if (typeof customer !== 'object' || customer === null) return null;
  if (typeof customer.link !== 'string' || !/^https?:\/\//.test(customer.link)) return null;
  if (typeof customer.points_available !== 'number') return null;
  return {
    friend_offer: String(value.friend_offer ?? ''),
    gifts_enabled: value.gifts_enabled === true,
    min_redemption_points: Number(value.min_redemption_points ?? 0),
    customer,
    history: Array.isArray(value.history) ? (value.history as HistoryLine[]) : [],
    rewards: Array.isArray(value.rewards) ? (value.rewards as Reward[]) : [],
  };
}

export type Redeemed = {kind: 'done'; reward: Reward} | {kind: 'refused'; code: string};

// The key makes a retried press safe: Passiton debits once and answers the same code.
export async function redeemPoints(
  caller: Caller,
  points: number,
  kind: 'reward' | 'gift',
  idempotencyKey: string,
): Promise<Redeemed> {
  const response = await call(caller, 'redeem', {
    method: 'POST',
    body: JSON.stringify({points, kind, idempotency_key: idempotencyKey}),
  });
  const body = (await response?.json().catch(() => null)) as Record<string, any> | null;
  if (response?.ok && body?.reward?.code) {
    return {kind: 'done', reward: body.reward as Reward};
  }
  return {kind: 'refused', code: String(body?.error?.code ?? 'unavailable')};
}

export function redeemableOptions(account: Account): boolean {
  return account.customer.points_available >= account.min_redemption_points;
}
