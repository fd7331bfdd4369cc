"""Every Admin GraphQL document the connector sends (validated against the schema in tests)."""

from __future__ import annotations

DISCOUNT_CREATE = """
mutation DiscountCreate($discount: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $discount) {
    codeDiscountNode { id }
    userErrors { field code message }
  }
}
"""

DISCOUNT_BY_CODE = """
query DiscountByCode($code: String!) {
  codeDiscountNodeByCode(code: $code) { id }
}
"""

CODES_BULK_ADD = """
mutation CodesBulkAdd($discountId: ID!, $codes: [DiscountRedeemCodeInput!]!) {
  discountRedeemCodeBulkAdd(discountId: $discountId, codes: $codes) {
    bulkCreation { id }
    userErrors { field code message }
  }
}
"""

BULK_CREATION = """
query BulkCreation($id: ID!, $first: Int!) {
  discountRedeemCodeBulkCreation(id: $id) {
    done
    codes(first: $first) {
      nodes { code errors { code message } }
    }
  }
}
"""

DISCOUNT_DEACTIVATE = """
mutation DiscountDeactivate($id: ID!) {
  discountCodeDeactivate(id: $id) {
    userErrors { field code message }
  }
}
"""

OFFER_CODES = """
query OfferCodes($id: ID!, $after: String) {
  codeDiscountNode(id: $id) {
    codeDiscount {
      ... on DiscountCodeBasic {
        codes(first: 250, after: $after) {
          nodes { id code }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }
}
"""

CODES_BULK_DELETE = """
mutation CodesBulkDelete($discountId: ID!, $ids: [ID!]) {
  discountCodeRedeemCodeBulkDelete(discountId: $discountId, ids: $ids) {
    userErrors { field code message }
  }
}
"""

WEBHOOKS = """
query Webhooks($uri: String!) {
  webhookSubscriptions(first: 100, uri: $uri) {
    nodes { topic }
  }
}
"""

WEBHOOK_CREATE = """
mutation WebhookCreate($topic: WebhookSubscriptionTopic!, $uri: String!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: {uri: $uri, format: JSON}) {
    webhookSubscription { id }
    userErrors { field message }
  }
}
"""

# What reconciliation and the checkout extension's order check read of an order: everything
# order_nodes.order_from_node needs to make the same OrderState as the order's webhooks.
_ORDER_FIELDS = """
fragment OrderFields on Order {
  legacyResourceId
  updatedAt
  email
  phone
  currencyCode
  displayFinancialStatus
  cancelledAt
  test
  customerLocale
  discountCodes
  customAttributes { key value }
  customer { legacyResourceId firstName email: defaultEmailAddress { emailAddress } }
  shippingAddress { firstName address1 zip countryCodeV2 phone }
  subtotalPriceSet { shopMoney { amount } }
  totalPriceSet { shopMoney { amount } }
  refunds {
    legacyResourceId
    transactions(first: 20) { nodes { kind status amountSet { shopMoney { amount } } } }
  }
}
"""

ORDERS_SINCE = (
    """
query OrdersSince($query: String!, $after: String) {
  orders(first: 50, after: $after, sortKey: UPDATED_AT, query: $query) {
    nodes { ...OrderFields }
    pageInfo { hasNextPage endCursor }
  }
}
"""
    + _ORDER_FIELDS
)

# One order by its Admin id; null when the shop has no such order (another shop's, or one the
# thank-you page names before Shopify has finished creating it).
ORDER_BY_ID = (
    """
query OrderById($id: ID!) {
  order(id: $id) { ...OrderFields }
}
"""
    + _ORDER_FIELDS
)

SHOP_FACTS = """
query ShopFacts {
  shop { name currencyCode ianaTimezone contactEmail primaryDomain { host } }
}
"""

# A separate call: `shopLocales` needs the read_locales scope, which a shop installed before it
# was asked for has not granted until the merchant re-consents (app/scopes_update).
SHOP_LOCALES = """
query ShopLocales {
  shopLocales(published: true) { locale primary }
}
"""

# The buyer's referral link on their customer record, for the merchant's notification templates
# (`{{ customer.metafields.passiton.referral_url }}`). Needs write_customers, and Shopify's
# protected customer data approval for the app.
CUSTOMER_REFERRAL_URL = """
mutation CustomerReferralUrl($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { id }
    userErrors { field code message }
  }
}
"""

ALL = {
    name: value
    for name, value in dict(globals()).items()
    if name.isupper()
    and isinstance(value, str)
    and value.lstrip().startswith(("query", "mutation"))
}
