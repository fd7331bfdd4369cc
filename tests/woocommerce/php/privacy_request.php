<?php
/**
 * A personal-data export or erasure request on a store running the companion plugin, as
 * WordPress's Tools run it: the registered exporters or erasers are called with the address.
 *
 * Reads on stdin: {"tool": "export"|"erase", "email": ..., "user": {...} or null, "options":
 * {...}}. Writes the plugin's answer (or {"wp_error": true}), the names registered and the
 * calls to Passiton as JSON.
 *
 * @package Passiton
 */

require __DIR__ . '/fake_wordpress.php';

$request = json_decode( stream_get_contents( STDIN ), true, 512, JSON_THROW_ON_ERROR );

$GLOBALS['wp'] = array(
	'hooks'      => array(),
	'user'       => $request['user'],
	'options'    => $request['options'],
	'transients' => array(),
	'calls'      => array(),
);

require dirname( __DIR__, 3 ) . '/manifest/woocommerce/passiton/passiton.php';
do_action( 'init' );

$is_export  = 'export' === $request['tool'];
$registered = $is_export
	? apply_filters( 'wp_privacy_personal_data_exporters', array() )
	: apply_filters( 'wp_privacy_personal_data_erasers', array() );
$tool       = $registered['passiton'];
$answer     = call_user_func( $tool['callback'], $request['email'], 1 );
echo json_encode(
	array(
		'name'   => $is_export ? $tool['exporter_friendly_name'] : $tool['eraser_friendly_name'],
		'answer' => is_wp_error( $answer ) ? array( 'wp_error' => true ) : $answer,
		'calls'  => $GLOBALS['wp']['calls'],
	),
	JSON_THROW_ON_ERROR
);
