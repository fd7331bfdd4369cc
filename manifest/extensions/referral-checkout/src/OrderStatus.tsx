import '@shopify/ui-extensions/preact';
import {render} from 'preact';

import {ReferralBlock} from './ReferralBlock';

// customer-account.order-status.block.render: the order is the Admin API's Order itself.
export default function extension() {
  render(<OrderStatus />, document.body);
}

function OrderStatus() {
  return (
    <ReferralBlock
      orderId={shopify.order.value?.id}
      token={() => shopify.sessionToken.get()}
      translate={(key, replacements) => String(shopify.i18n.translate(key, replacements))}
      storefrontUrl={shopify.shop.storefrontUrl}
    />
  );
}
