<?php
/**
 * The companion plugin's life in a store: activated, loaded on later requests, deactivated.
 *
 * Reads on stdin: {"options": {...}, "request": "activate" | "load" | "deactivate"}.
 * - activate: as wp-admin/plugins.php does, after `init` has run without the plugin,
 *   activate_plugin() (wp-admin/includes/plugin.php) includes the plugin and fires
 *   activate_passiton/passiton.php.
 * - load: an ordinary request with the plugin active: loaded, then `init` (where
 *   WooCommerce::init() fires before_woocommerce_init first).
 * - deactivate: loaded and initialised as above, then deactivate_plugins() fires
 *   deactivate_passiton/passiton.php.
 * Writes the options kept, the rewrite flushes, compatibility declarations and text domains,
 * and the rules the next request without the plugin routes with.
 *
 * @package Passiton
 */

require __DIR__ . '/fake_wordpress.php';
require __DIR__ . '/fake_woocommerce.php';

$request = json_decode( stream_get_contents( STDIN ), true, 512, JSON_THROW_ON_ERROR );

$GLOBALS['wp'] = array(
	'hooks'                  => array(),
	'options'                => $request['options'],
	'flushes'                => array(),
	'declarations'           => array(),
	'misplaced_declarations' => array(),
	'textdomains'            => array(),
);

$plugin = dirname( __DIR__, 3 ) . '/manifest/woocommerce/passiton/passiton.php';

// WooCommerce hooks its own init at priority 0 on `init`; before_woocommerce_init is its first act.
add_action(
	'init',
	function () {
		do_action( 'before_woocommerce_init' );
	},
	0
);

ob_start();
if ( 'activate' === $request['request'] ) {
	do_action( 'init' );
	require $plugin;
	do_action( 'activate_passiton/passiton.php', false );
} else {
	require $plugin;
	do_action( 'init' );
	if ( 'deactivate' === $request['request'] ) {
		do_action( 'deactivate_passiton/passiton.php', false );
	}
}
$html = ob_get_clean();

$kept = $GLOBALS['wp']['options'];
// The next request, with the plugin no longer loaded, routes with what was kept.
$GLOBALS['wp']['endpoints'] = array();

echo json_encode(
	array(
		'html'                   => $html,
		'options'                => (object) $kept,
		'flushes'                => $GLOBALS['wp']['flushes'],
		'declarations'           => $GLOBALS['wp']['declarations'],
		'misplaced_declarations' => $GLOBALS['wp']['misplaced_declarations'],
		'textdomains'            => $GLOBALS['wp']['textdomains'],
		'next_request_rules'     => (object) fake_rewrite_rules(),
	),
	JSON_THROW_ON_ERROR
);
