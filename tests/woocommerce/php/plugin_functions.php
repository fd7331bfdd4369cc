<?php
/**
 * Runs the companion plugin's pure functions without WordPress, for tests/woocommerce.
 *
 * Reads a JSON list of calls, [["passiton_clean_code", ["anna-7k2q"]], ...], on stdin and
 * writes the list of their results as JSON. The plugin's files exit unless ABSPATH is
 * defined, as WordPress defines it; no WordPress function is defined here, so a pure function
 * that came to need one would fail these tests instead of passing on a stub.
 *
 * @package Passiton
 */

define( 'ABSPATH', __DIR__ . '/' );

$includes = dirname( __DIR__, 3 ) . '/manifest/woocommerce/passiton/includes/';
require $includes . 'passiton-codes.php';
require $includes . 'passiton-requests.php';
require $includes . 'passiton-privacy.php';
require $includes . 'passiton-share.php';

$calls   = json_decode( stream_get_contents( STDIN ), true, 512, JSON_THROW_ON_ERROR );
$results = array();
foreach ( $calls as $call ) {
	list( $name, $args ) = $call;
	if ( 0 !== strpos( $name, 'passiton_' ) || ! function_exists( $name ) ) {
		fwrite( STDERR, "no such plugin function: $name\n" );
		exit( 2 );
	}
	$results[] = call_user_func_array( $name, $args );
}
echo json_encode( $results, JSON_THROW_ON_ERROR );
