<?php
/**
 * The referral code and the friend's coupon on both of WooCommerce's checkouts.
 *
 * WooCommerce 10 stores check out with the Checkout block, which posts to the Store API
 * (/wp-json/wc/store/v1/checkout) and never runs the classic WC_Checkout; a store may still use
 * the [woocommerce_checkout] shortcode. Each step here therefore hooks both, at the hooks named
 * below as WooCommerce's own source (plugins/woocommerce/ in woocommerce/woocommerce) fires them.
 *
 * @package Passiton
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The referral code the shopper arrived with (?ref=CODE, remembered in a cookie), or ''.
 *
 * @return string
 */
function passiton_visitor_referral_code() {
	return isset( $_COOKIE[ PASSITON_COOKIE ] ) ? passiton_clean_code( wp_unslash( $_COOKIE[ PASSITON_COOKIE ] ) ) : '';
}

/**
 * Put the shopper's referral code on the order being placed; Passiton reads it from the order's
 * meta_data in the webhook body. WooCommerce saves the order right after both hooks below.
 *
 * @param WC_Order $order The order being created.
 */
function passiton_note_referral_on_order( $order ) {
	$ref = passiton_visitor_referral_code();
	if ( '' !== $ref ) {
		$order->update_meta_data( PASSITON_META_KEY, $ref );
	}
}

// Classic checkout: WC_Checkout::create_order() (includes/class-wc-checkout.php) fires
// woocommerce_checkout_create_order( $order, $data ), then calls $order->save().
add_action( 'woocommerce_checkout_create_order', 'passiton_note_referral_on_order' );

// Checkout block: the place-order POST runs CheckoutTrait::update_order_from_request()
// (src/StoreApi/Utilities/CheckoutTrait.php, called from Checkout::get_route_post_response() in
// src/StoreApi/Routes/V1/Checkout.php), which fires
// woocommerce_store_api_checkout_update_order_from_request( $order, $request ), then calls
// $order->save(). The request is the shopper's browser's own fetch, so it carries the cookie.
add_action( 'woocommerce_store_api_checkout_update_order_from_request', 'passiton_note_referral_on_order' );

/**
 * Put the language the shopper checked out in on the order (WordPress's locale, "de_DE", as a
 * language plugin may have switched it for this request): Passiton reads it from the order's
 * meta_data and shows the shopper's referral pages in it.
 *
 * @param WC_Order $order The order being created.
 */
function passiton_note_language_on_order( $order ) {
	$locale = determine_locale();
	if ( is_string( $locale ) && '' !== $locale ) {
		$order->update_meta_data( PASSITON_LANG_KEY, $locale );
	}
}

// The same two hooks as the referral code above, for the same reasons.
add_action( 'woocommerce_checkout_create_order', 'passiton_note_language_on_order' );
add_action( 'woocommerce_store_api_checkout_update_order_from_request', 'passiton_note_language_on_order' );

/**
 * Apply the friend's coupon kept in the session (see ?passiton_coupon= in passiton.php) once the
 * cart has something in it, so that whichever checkout the shopper uses starts from a cart with
 * the discount: both create the order's coupon lines from the cart.
 */
function passiton_apply_waiting_coupon() {
	if ( ! function_exists( 'WC' ) || ! WC()->cart || ! WC()->session ) {
		return;
	}
	$coupon = passiton_clean_code( WC()->session->get( 'passiton_coupon' ) );
	if ( '' !== $coupon && ! WC()->cart->is_empty() && ! WC()->cart->has_discount( $coupon ) ) {
		WC()->cart->apply_coupon( $coupon );
	}
}

// Both ways of filling a cart fire woocommerce_add_to_cart after the item is in: WC_Cart::add_to_cart()
// (includes/class-wc-cart.php) for the classic forms, and CartController::add_to_cart()
// (src/StoreApi/Utilities/CartController.php) for the blocks' Store API cart/add-item, where it
// runs on the session-backed WC()->cart that the checkout block's order is later made from.
add_action( 'woocommerce_add_to_cart', 'passiton_apply_waiting_coupon' );
