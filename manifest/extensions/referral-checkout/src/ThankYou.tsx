import '@shopify/ui-extensions/preact';
import {render} from 'preact';

import {ReferralBlock} from './ReferralBlock';

// purchase.thank-you.block.render: the order is named by its OrderIdentity, which becomes the
// Admin API's Order of the same number once Shopify has created it; Passiton maps the two.
export default function extension() {
  render(<ThankYou />, document.body);
}

function ThankYou() {
  return (
    <ReferralBlock
      orderId={shopify.orderConfirmation.value.order.id}
      token={() => shopify.sessionToken.get()}
      translate={(key, replacements) => String(shopify.i18n.translate(key, replacements))}
      storefrontUrl={shopify.shop.storefrontUrl}
    />
  );
}
