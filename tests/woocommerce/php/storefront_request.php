<?php
/**
 * One storefront request to a store running the companion plugin, on fake_wordpress.php and
 * fake_woocommerce.php: an order-received page, an order e-mail, a page with the shortcode or
 * the block, or any page's footer (the launcher).
 *
 * Reads on stdin: {"user", "options", "orders": [placed orders], "get": {...},
 * "query_vars": {...}, "render": [what, arg]} where render is
 * ["classic_thankyou", order id], ["block_thankyou", [block names of the template]],
 * ["email", {"order", "id", "plain", "sent_to_admin"}], ["shortcode", null], ["block", null] or
 * ["footer", null]. Each is rendered with the hooks WooCommerce's own template fires, named on
 * each below. Writes the HTML, the calls to Passiton, the scripts enqueued and the seconds taken.
 *
 * @package Passiton
 */

require __DIR__ . '/fake_wordpress.php';
require __DIR__ . '/fake_woocommerce.php';

$request = json_decode( stream_get_contents( STDIN ), true, 512, JSON_THROW_ON_ERROR );

$GLOBALS['wp'] = array(
	'hooks'      => array(),
	'user'       => $request['user'],
	'options'    => $request['options'],
	'transients' => array(),
	'calls'      => array(),
	'query_vars' => $request['query_vars'],
	'placed'     => array(),
	'scripts'    => array(),
);
foreach ( $request['orders'] as $order ) {
	$GLOBALS['wp']['placed'][ $order['id'] ] = WC_Order::fake_placed( $order );
}
$_GET = array_map( 'addslashes', $request['get'] );

require dirname( __DIR__, 3 ) . '/manifest/woocommerce/passiton/passiton.php';
do_action( 'init' );

$started       = microtime( true );
list( $what, $arg ) = $request['render'];
ob_start();
if ( 'classic_thankyou' === $what ) {
	// templates/checkout/thankyou.php, for an order that has not failed.
	$order = wc_get_order( $arg );
	do_action( 'woocommerce_before_thankyou', $order->get_id() );
	echo '<p class="woocommerce-thankyou-order-received">Thank you. Your order has been received.</p>';
	do_action( 'woocommerce_thankyou_cod', $order->get_id() );
	do_action( 'woocommerce_thankyou', $order->get_id() );
} elseif ( 'block_thankyou' === $what ) {
	// The order-confirmation template's blocks, each through render_block_{name} as
	// WP_Block::render() filters them; "additional-information" fires woocommerce_thankyou
	// inside its own output (AdditionalInformation::render_content()).
	$order_id = absint( get_query_var( 'order-received' ) );
	foreach ( $arg as $name ) {
		ob_start();
		if ( 'woocommerce/order-confirmation-additional-information' === $name ) {
			do_action( 'woocommerce_thankyou_cod', $order_id );
			do_action( 'woocommerce_thankyou', $order_id );
		} else {
			echo '<div class="wp-block-' . esc_attr( str_replace( '/', '-', $name ) ) . '"></div>';
		}
		$block_html = (string) ob_get_clean();
		echo apply_filters( 'render_block_' . $name, $block_html, array( 'blockName' => $name ), null ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
	}
} elseif ( 'email' === $what ) {
	// templates/emails/customer-processing-order.php (and plain/): the order table through
	// woocommerce_email_order_details, then woocommerce_email_after_order_table.
	$order = wc_get_order( $arg['order'] );
	echo $arg['plain'] ? "ORDER TABLE\n" : '<table class="order">ORDER TABLE</table>';
	do_action( 'woocommerce_email_after_order_table', $order, $arg['sent_to_admin'], $arg['plain'], new Fake_WC_Email( $arg['id'] ) );
	echo $arg['plain'] ? "FOOTER\n" : '<p>FOOTER</p>';
} elseif ( 'shortcode' === $what ) {
	echo fake_do_shortcode( 'passiton_refer' ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
} elseif ( 'block' === $what ) {
	// WP_Block::render() calls the registered render_callback( $attributes, $content, $block ).
	$block = $GLOBALS['wp']['blocks']['passiton/refer-a-friend'];
	echo call_user_func( $block['render_callback'], array(), '', null ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
} elseif ( 'footer' === $what ) {
	do_action( 'wp_footer' );
} else {
	throw new RuntimeException( 'nothing to render: ' . json_encode( $request['render'] ) );
}
$html = (string) ob_get_clean();

echo json_encode(
	array(
		'html'    => $html,
		'calls'   => $GLOBALS['wp']['calls'],
		'scripts' => (object) $GLOBALS['wp']['scripts'],
		'blocks'  => array_keys( isset( $GLOBALS['wp']['blocks'] ) ? $GLOBALS['wp']['blocks'] : array() ),
		'seconds' => microtime( true ) - $started,
	),
	JSON_THROW_ON_ERROR
);
