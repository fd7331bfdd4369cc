<?php
/**
 * One request to a store running the companion plugin, on tests/woocommerce/php/fake_wordpress.php.
 *
 * Reads on stdin: {"user": {ID, user_email, first_name}, "options": {...}, "transients": {...},
 * "post": {...} or null}. With "post" it runs template_redirect, as WordPress does for a form's
 * POST; without, it renders the "Refer a friend" tab. Writes what the request did as JSON:
 * the page's HTML, the redirect, the transients kept, the calls to Passiton, and whether the
 * plugin ended the request (exit after a redirect).
 *
 * @package Passiton
 */

require __DIR__ . '/fake_wordpress.php';

$request = json_decode( stream_get_contents( STDIN ), true, 512, JSON_THROW_ON_ERROR );

$GLOBALS['wp'] = array(
	'hooks'      => array(),
	'user'       => $request['user'],
	'options'    => $request['options'],
	'transients' => $request['transients'],
	'redirect'   => null,
	'nocache'    => false,
	'calls'      => array(),
	'exited'     => true,
);

register_shutdown_function(
	static function () {
		$html = ob_get_level() > 0 ? ob_get_clean() : '';
		echo json_encode(
			array(
				'html'       => $html,
				'redirect'   => $GLOBALS['wp']['redirect'],
				'nocache'    => $GLOBALS['wp']['nocache'],
				'transients' => (object) $GLOBALS['wp']['transients'],
				'calls'      => $GLOBALS['wp']['calls'],
				'exited'     => $GLOBALS['wp']['exited'],
			),
			JSON_THROW_ON_ERROR
		);
	}
);

require dirname( __DIR__, 3 ) . '/manifest/woocommerce/passiton/passiton.php';
do_action( 'init' );

ob_start();
if ( null !== $request['post'] ) {
	// WordPress adds slashes to request data (wp_magic_quotes); the plugin must take them off.
	$_SERVER['REQUEST_METHOD'] = 'POST';
	$_POST                     = array_map( 'addslashes', $request['post'] );
	do_action( 'template_redirect' );
} else {
	$items = apply_filters( 'woocommerce_account_menu_items', array( 'dashboard' => 'Dashboard' ) );
	if ( ! isset( $items['refer-a-friend'] ) ) {
		throw new RuntimeException( 'the plugin adds no "Refer a friend" item to My Account' );
	}
	do_action( 'woocommerce_account_refer-a-friend_endpoint' );
}
$GLOBALS['wp']['exited'] = false;
