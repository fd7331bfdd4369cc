// What the referral block does, apart from drawing it: ask Passiton for the buyer's link
// (retrying while Shopify is still creating the order) and build the share links.

export interface ReferrerReward {
  points: number;
  mode: string;
}

export interface Referral {
  referral_code: string;
  link: string;
  shop_name: string;
  friend_offer: string;
  gifts_enabled: boolean;
  referrer_reward: ReferrerReward | null;
}

export type Outcome =
  | {kind: 'ready'; referral: Referral}
  | {kind: 'none'}
  | {kind: 'unavailable'};

export interface AskOptions {
  appUrl: string;
  orderId: string;
  token: () => Promise<string>;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  wait?: (ms: number) => Promise<void>;
  attempts?: number;
  delayMs?: number;
}

const RETRIED = new Set([404, 429, 502, 503, 504]);

// The thank-you page can show before Shopify has created the order (its id is then an
// OrderIdentity the Admin API does not know yet), so "unknown order" and a busy store are
// asked again a few times; anything else is final.
export async function askReferral(options: AskOptions): Promise<Outcome> {
  const attempts = options.attempts ?? 4;
  const delayMs = options.delayMs ?? 2500;
  const wait = options.wait ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let response: Response;
    try {
      response = await options.fetch(`${options.appUrl}/shopify/extension/referral`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${await options.token()}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({order_id: options.orderId}),
      });
    } catch {
      response = new Response(null, {status: 503});
    }
    if (response.ok) {
      const referral = parseReferral(await response.json().catch(() => null));
      return referral ? {kind: 'ready', referral} : {kind: 'unavailable'};
    }
    if (!RETRIED.has(response.status)) {
      return {kind: 'none'};
    }
    if (attempt < attempts) {
      await wait(delayMs * attempt);
    }
  }
  return {kind: 'unavailable'};
}

export function parseReferral(body: unknown): Referral | null {
  if (typeof body !== 'object' || body === null) return null;
  const value = body as Record<string, unknown>;
  const texts = ['referral_code', 'link', 'shop_name', 'friend_offer'] as const;
  if (!texts.every((name) => typeof value[name] === 'string' && value[name] !== '')) return null;
  if (typeof value.gifts_enabled !== 'boolean') return null;
  if (!String(value.link).startsWith('https://') && !String(value.link).startsWith('http://')) {
    return null;
  }
  const reward = value.referrer_reward;
  const validReward =
    typeof reward === 'object' &&
    reward !== null &&
    typeof (reward as ReferrerReward).points === 'number' &&
    typeof (reward as ReferrerReward).mode === 'string';
  return {
    referral_code: String(value.referral_code),
    link: String(value.link),
    shop_name: String(value.shop_name),
    friend_offer: String(value.friend_offer),
    gifts_enabled: value.gifts_enabled,
    referrer_reward: validReward ? (reward as ReferrerReward) : null,
  };
}

export interface ShareLinks {
  email: string;
  whatsapp: string;
  sms: string;
}

// One-to-one channels only: a private purchase is shared with a person, not posted.
export function shareLinks(message: string, subject: string): ShareLinks {
  const text = encodeURIComponent(message);
  return {
    email: `mailto:?subject=${encodeURIComponent(subject)}&body=${text}`,
    whatsapp: `https://wa.me/?text=${text}`,
    // `?&body=` is the form both iOS and Android Messages read.
    sms: `sms:?&body=${text}`,
  };
}

// The storefront page where points become a reward or a gift: Passiton's widget behind the
// app proxy (manifest/shopify.app.toml: prefix "apps", subpath "passiton").
export function widgetUrl(storefrontUrl: string | undefined): string | null {
  if (!storefrontUrl) return null;
  return `${storefrontUrl.replace(/\/+$/, '')}/apps/passiton`;
}
