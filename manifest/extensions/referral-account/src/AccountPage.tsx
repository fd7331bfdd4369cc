import '@shopify/ui-extensions/preact';
import {render} from 'preact';
import {useEffect, useState} from 'preact/hooks';

import {APP_URL} from './app-url';
import {loadAccount, redeemPoints, redeemableOptions, type Account, type Caller} from './account';

// customer-account.page.render: a full page in the new customer accounts. The buyer is always
// logged in here, so the session token names them (`sub`) and Passiton answers their account.
export default function extension() {
  render(<AccountPage />, document.body);
}

const caller: Caller = {
  appUrl: APP_URL,
  token: () => shopify.sessionToken.get(),
  fetch: (url, init) => fetch(url, init),
};

function t(key: string, replacements?: Record<string, string | number>): string {
  return String(shopify.i18n.translate(key, replacements));
}

function AccountPage() {
  const [account, setAccount] = useState<Account | null | undefined>(undefined);
  const [points, setPoints] = useState(0);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  const reload = () => loadAccount(caller).then(setAccount);
  useEffect(() => {
    reload();
  }, []);

  async function redeem(kind: 'reward' | 'gift') {
    setBusy(true);
    const result = await redeemPoints(caller, points, kind, crypto.randomUUID());
    setBusy(false);
    setMessage(
      result.kind === 'done'
        ? t('redeem.done', {code: result.reward.code, amount: result.reward.amount_text})
        : t('redeem.refused'),
    );
    await reload();
  }

  if (account === undefined) {
    return <s-page heading={t('heading')}><s-skeleton-paragraph /></s-page>;
  }
  if (account === null) {
    return <s-page heading={t('heading')}><s-paragraph>{t('unavailable')}</s-paragraph></s-page>;
  }
  const customer = account.customer;
  return (
    <s-page heading={t('heading')}>
      <s-stack gap="base">
        <s-section heading={t('link.heading')}>
          <s-paragraph>{t('link.offer', {offer: account.friend_offer})}</s-paragraph>
          <s-text type="strong">{customer.link}</s-text>
          <s-clipboard-item id="passiton-account-link" text={customer.link} />
          <s-button commandFor="passiton-account-link" command="--copy">
            {t('link.copy')}
          </s-button>
        </s-section>
        <s-section heading={t('points.heading')}>
          <s-paragraph>
            {t('points.summary', {
              available: customer.points_available,
              pending: customer.points_pending,
              value: customer.available_value_text,
            })}
          </s-paragraph>
          {redeemableOptions(account) ? (
            <s-stack gap="base">
              <s-number-field
                label={t('redeem.points')}
                min={account.min_redemption_points}
                max={customer.points_available}
                onInput={(event) => setPoints(Number((event.target as {value?: string} | null)?.value ?? 0))}
              />
              <s-stack direction="inline" gap="base">
                <s-button disabled={busy} onClick={() => redeem('reward')}>
                  {t('redeem.reward')}
                </s-button>
                {account.gifts_enabled ? (
                  <s-button disabled={busy} onClick={() => redeem('gift')}>
                    {t('redeem.gift')}
                  </s-button>
                ) : null}
              </s-stack>
              {message ? <s-paragraph>{message}</s-paragraph> : null}
            </s-stack>
          ) : (
            <s-paragraph>{t('redeem.minimum', {points: account.min_redemption_points})}</s-paragraph>
          )}
        </s-section>
        <s-section heading={t('history.heading')}>
          {account.history.length === 0 ? (
            <s-paragraph>{t('history.empty')}</s-paragraph>
          ) : (
            <s-unordered-list>
              {account.history.map((line) => (
                <s-list-item>
                  {line.date_text}: {line.description} ({line.points})
                </s-list-item>
              ))}
            </s-unordered-list>
          )}
        </s-section>
        {account.rewards.length > 0 ? (
          <s-section heading={t('codes.heading')}>
            <s-unordered-list>
              {account.rewards.map((reward) => (
                <s-list-item>
                  {reward.code} — {reward.amount_text}
                </s-list-item>
              ))}
            </s-unordered-list>
          </s-section>
        ) : null}
      </s-stack>
    </s-page>
  );
}
