"""Passiton: a self-hostable referral program for Shopify and WooCommerce stores."""
