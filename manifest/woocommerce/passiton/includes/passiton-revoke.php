<?php
/**
 * Revoking a replaced WooCommerce API key when Passiton asks (POST /wp-json/passiton/v1/keys/revoke).
 *
 * When a merchant reconnects the store, wc-auth creates a new key and the old one stays valid:
 * WooCommerce's REST API cannot delete API keys. Passiton then calls this route, signed with the
 * plugin key like the plugin's own calls to Passiton (hex HMAC-SHA256 of "timestamp.body"), with
 * {"key_id": "12"}. Deleting the key's row from {$wpdb->prefix}woocommerce_api_keys revokes it:
 * that is all WooCommerce itself does, in WC_Auth::delete_key() (includes/class-wc-auth.php,
 * used when the callback fails) and WC_Admin_API_Keys::remove_key() (the admin "Revoke" link).
 *
 * Only keys wc-auth made for Passiton can go: WC_Auth::create_keys() describes them as
 * "{app_name} - API ({date})", and Passiton's app_name is "Passiton". A leaked plugin key can
 * therefore never delete the merchant's other integrations' keys.
 *
 * @package Passiton
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

const PASSITON_CLOCK_SKEW_SECONDS = 300;
const PASSITON_KEY_DESCRIPTION    = 'Passiton - API (';

/**
 * Whether a call claiming to come from Passiton was signed with this store's plugin key, recently.
 *
 * @param array  $settings  app_url, shop_id and plugin_key from the settings page.
 * @param string $shop      X-Passiton-Shop: must be this store's id at Passiton.
 * @param string $timestamp X-Passiton-Timestamp, Unix seconds.
 * @param string $raw       The exact body bytes.
 * @param string $signature X-Passiton-Signature.
 * @param int    $now       Unix seconds (time() when called for real).
 * @return bool
 */
function passiton_call_from_passiton_valid( array $settings, $shop, $timestamp, $raw, $signature, $now ) {
	$key = isset( $settings['plugin_key'] ) ? (string) $settings['plugin_key'] : '';
	$id  = isset( $settings['shop_id'] ) ? (string) $settings['shop_id'] : '';
	if ( '' === $key || '' === $id || (string) $shop !== $id ) {
		return false;
	}
	if ( ! preg_match( '/^\d{1,12}$/', (string) $timestamp ) || abs( (int) $now - (int) $timestamp ) > PASSITON_CLOCK_SKEW_SECONDS ) {
		return false;
	}
	return hash_equals( passiton_signature( $key, (string) $timestamp, (string) $raw ), strtolower( trim( (string) $signature ) ) );
}

/**
 * The key id a revoke call names, or 0 when the body names none.
 *
 * @param string $raw The body: {"key_id": "12"} (a number is accepted too).
 * @return int
 */
function passiton_revoke_key_id( $raw ) {
	$body = json_decode( (string) $raw, true );
	$id   = is_array( $body ) && isset( $body['key_id'] ) ? $body['key_id'] : null;
	if ( is_int( $id ) ) {
		$id = (string) $id;
	}
	return is_string( $id ) && preg_match( '/^[1-9]\d{0,18}$/', $id ) ? (int) $id : 0;
}

/**
 * Delete a key wc-auth made for Passiton.
 *
 * @param int $key_id The key's id in woocommerce_api_keys.
 * @return string "revoked" (also when it was already gone) or "not_passiton".
 */
function passiton_delete_api_key( $key_id ) {
	global $wpdb;
	$table       = $wpdb->prefix . 'woocommerce_api_keys';
	$description = $wpdb->get_var( $wpdb->prepare( "SELECT description FROM {$table} WHERE key_id = %d", $key_id ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared,WordPress.DB.DirectDatabaseQuery -- the table name is WordPress's prefix.
	if ( null === $description ) {
		return 'revoked';
	}
	if ( 0 !== strpos( (string) $description, PASSITON_KEY_DESCRIPTION ) ) {
		return 'not_passiton';
	}
	$wpdb->delete( $table, array( 'key_id' => $key_id ), array( '%d' ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
	return 'revoked';
}

/**
 * Permission callback: only Passiton, signing with this store's plugin key.
 *
 * @param WP_REST_Request $request The call.
 * @return bool
 */
function passiton_rest_revoke_permission( $request ) {
	return passiton_call_from_passiton_valid(
		passiton_settings(),
		(string) $request->get_header( 'x_passiton_shop' ),
		(string) $request->get_header( 'x_passiton_timestamp' ),
		$request->get_body(),
		(string) $request->get_header( 'x_passiton_signature' ),
		time()
	);
}

/**
 * The route: revoke the named key, or say why not.
 *
 * @param WP_REST_Request $request The call, already verified.
 * @return WP_REST_Response
 */
function passiton_rest_revoke_key( $request ) {
	$key_id = passiton_revoke_key_id( $request->get_body() );
	if ( 0 === $key_id ) {
		return new WP_REST_Response( array( 'code' => 'passiton_no_key_id', 'message' => 'Name the key_id to revoke.' ), 400 );
	}
	if ( 'not_passiton' === passiton_delete_api_key( $key_id ) ) {
		return new WP_REST_Response( array( 'code' => 'passiton_not_ours', 'message' => 'That key was not made for Passiton.' ), 403 );
	}
	return new WP_REST_Response( array( 'revoked' => true, 'key_id' => (string) $key_id ), 200 );
}

add_action(
	'rest_api_init',
	function () {
		register_rest_route(
			'passiton/v1',
			'/keys/revoke',
			array(
				'methods'             => 'POST',
				'callback'            => 'passiton_rest_revoke_key',
				'permission_callback' => 'passiton_rest_revoke_permission',
			)
		);
	}
);
