import {useEffect, useState} from 'preact/hooks';

import {APP_URL} from './app-url';
import {askReferral, shareLinks, widgetUrl, type Outcome, type Referral} from './referral';

export interface BlockProps {
  orderId: string | undefined;
  token: () => Promise<string>;
  translate: (key: string, replacements?: Record<string, string | number>) => string;
  storefrontUrl: string | undefined;
}

// Shared by the thank-you and order-status targets: each passes what its own API offers.
export function ReferralBlock({orderId, token, translate, storefrontUrl}: BlockProps) {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!orderId) return;
    let current = true;
    askReferral({appUrl: APP_URL, orderId, token, fetch: (url, init) => fetch(url, init)}).then(
      (result) => current && setOutcome(result),
    );
    return () => {
      current = false;
    };
  }, [orderId]);

  if (outcome === null) {
    return <s-skeleton-paragraph />;
  }
  // No link (a paused program, an order that is not the buyer's): the block stays away.
  if (outcome.kind !== 'ready') {
    return null;
  }
  return (
    <ReferralCard
      referral={outcome.referral}
      translate={translate}
      storefrontUrl={storefrontUrl}
      copied={copied}
      onCopy={() => setCopied(true)}
    />
  );
}

interface CardProps {
  referral: Referral;
  translate: BlockProps['translate'];
  storefrontUrl: string | undefined;
  copied: boolean;
  onCopy: () => void;
}

function ReferralCard({referral, translate, storefrontUrl, copied, onCopy}: CardProps) {
  const offer = referral.friend_offer;
  const message = translate('share.message', {shop: referral.shop_name, offer, link: referral.link});
  const links = shareLinks(message, translate('share.subject', {shop: referral.shop_name}));
  const widget = widgetUrl(storefrontUrl);
  return (
    <s-section heading={translate('heading', {shop: referral.shop_name})}>
      <s-stack gap="base">
        <s-paragraph>{translate('offer', {offer})}</s-paragraph>
        {referral.referrer_reward ? (
          <s-paragraph>
            {translate(`reward.${referral.referrer_reward.mode}`, {
              points: referral.referrer_reward.points,
            })}
          </s-paragraph>
        ) : null}
        <s-text type="strong">{referral.link}</s-text>
        <s-clipboard-item id="passiton-link" text={referral.link} onCopy={onCopy} />
        <s-stack direction="inline" gap="base">
          <s-button commandFor="passiton-link" command="--copy" variant="primary">
            {copied ? translate('share.copied') : translate('share.copy')}
          </s-button>
          <s-button href={links.email} target="_blank" variant="secondary">
            {translate('share.email')}
          </s-button>
          <s-button href={links.whatsapp} target="_blank" variant="secondary">
            {translate('share.whatsapp')}
          </s-button>
          <s-button href={links.sms} target="_blank" variant="secondary">
            {translate('share.sms')}
          </s-button>
        </s-stack>
        {referral.gifts_enabled && widget ? (
          <s-paragraph>
            {translate('gift.text')}{' '}
            <s-link href={widget} target="_blank">
              {translate('gift.link')}
            </s-link>
          </s-paragraph>
        ) : null}
      </s-stack>
    </s-section>
  );
}
