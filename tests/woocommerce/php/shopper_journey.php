<?php
/**
 * A shopper's requests to a store running the companion plugin, on fake_wordpress.php and
 * fake_woocommerce.php: landing from a link, filling the cart, checking out.
 *
 * Reads on stdin: {"cookies": {...}, "coupons": ["pi-…"], "steps": [...], "locale": "de_DE"}
 * where a step is
 * ["visit", {query}], ["add_to_cart", product id], ["view_checkout", "classic"] or
 * ["checkout", "block" | "classic", {fields posted}]. The
 * cookies, session and cart carry from step to step, as the browser's cookies would. Writes the
 * orders as the store's REST API (and so its webhooks) would show them, and the cart's coupons.
 *
 * @package Passiton
 */

require __DIR__ . '/fake_wordpress.php';
require __DIR__ . '/fake_woocommerce.php';

$request = json_decode( stream_get_contents( STDIN ), true, 512, JSON_THROW_ON_ERROR );

$GLOBALS['wp'] = array(
	'hooks'   => array(),
	'user'    => array(
		'ID'         => 0,
		'user_email' => '',
		'first_name' => '',
	),
	'options' => array(),
	'coupons' => $request['coupons'],
	'orders'  => array(),
	'locale'  => $request['locale'],
);
$_COOKIE       = $request['cookies'];

require dirname( __DIR__, 3 ) . '/manifest/woocommerce/passiton/passiton.php';
do_action( 'init' );
// WooCommerce::init() runs on init and ends by firing woocommerce_init.
do_action( 'woocommerce_init' );
$checkout_html = '';

ob_start();
foreach ( $request['steps'] as $step ) {
	list( $what, $arg ) = $step;
	if ( 'visit' === $what ) {
		// WordPress adds slashes to request data (wp_magic_quotes); the plugin must take them off.
		$_GET = array_map( 'addslashes', $arg );
		do_action( 'template_redirect' );
		$_GET = array();
	} elseif ( 'add_to_cart' === $what ) {
		WC()->cart->put( $arg, 1 );
	} elseif ( 'view_checkout' === $what && 'classic' === $arg ) {
		// templates/checkout/payment.php fires this inside the form, above "Place order".
		ob_start();
		do_action( 'woocommerce_review_order_before_submit' );
		$checkout_html .= ob_get_clean();
	} elseif ( 'checkout' === $what && 'block' === $arg ) {
		$params = array( 'payment_method' => 'cod' );
		if ( isset( $step[2] ) ) {
			$params['additional_fields'] = $step[2];
		}
		fake_store_api_checkout( $params );
	} elseif ( 'checkout' === $what && 'classic' === $arg ) {
		// The form's fields as the browser posts them (an unticked checkbox is not posted).
		$_POST = array_map( 'addslashes', isset( $step[2] ) ? $step[2] : array() );
		fake_classic_checkout( array( 'payment_method' => 'cod' ) );
		$_POST = array();
	} else {
		throw new RuntimeException( 'no such step: ' . json_encode( $step ) );
	}
}
$html = ob_get_clean();
if ( '' !== $html ) {
	throw new RuntimeException( 'the plugin printed during the journey: ' . $html );
}

echo json_encode(
	array(
		'orders'       => array_values( $GLOBALS['wp']['orders'] ),
		'cart_coupons' => WC()->cart->applied_coupons,
		'checkout_html' => $checkout_html,
		'block_fields'  => (object) ( $GLOBALS['wp']['checkout_fields'] ?? array() ),
		'misplaced'     => $GLOBALS['wp']['misplaced_fields'] ?? array(),
		'cookies'      => (object) $_COOKIE,
	),
	JSON_THROW_ON_ERROR
);
