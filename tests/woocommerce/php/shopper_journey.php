<?php
/**
 * A shopper's requests to a store running the companion plugin, on fake_wordpress.php and
 * fake_woocommerce.php: landing from a link, filling the cart, checking out.
 *
 * Reads on stdin: {"cookies": {...}, "coupons": ["pi-…"], "steps": [...], "locale": "de_DE"}
 * where a step is
 * ["visit", {query}], ["add_to_cart", product id] or ["checkout", "block" | "classic"]. The
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
	} elseif ( 'checkout' === $what && 'block' === $arg ) {
		fake_store_api_checkout( array( 'payment_method' => 'cod' ) );
	} elseif ( 'checkout' === $what && 'classic' === $arg ) {
		fake_classic_checkout( array( 'payment_method' => 'cod' ) );
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
		'cookies'      => (object) $_COOKIE,
	),
	JSON_THROW_ON_ERROR
);
