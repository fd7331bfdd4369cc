// The `shopify` global of the target (what the Shopify CLI generates for an extension).
import '@shopify/ui-extensions';

//@ts-ignore
declare module './src/AccountPage.tsx' {
  const shopify: import('@shopify/ui-extensions/customer-account.page.render').Api;
  const globalThis: { shopify: typeof shopify };
}
