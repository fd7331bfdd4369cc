<?php
/**
 * Plugin Name: Passiton referrals
 * Description: Storefront pieces of the Passiton referral program: friend codes, referral attribution, the buyer's link on the thank-you page and in order e-mails, and "Refer a friend" in My Account, a shortcode, a block and a launcher.
 * Version: 0.4.0
 * Requires Plugins: woocommerce
 * Text Domain: passiton
 * Domain Path: /languages
 * License: MIT
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

const PASSITON_OPTION   = 'passiton_settings';
const PASSITON_COOKIE   = 'passiton_ref';
const PASSITON_META_KEY = '_passiton_ref';
const PASSITON_LANG_KEY = '_passiton_locale';
const PASSITON_FILE     = __FILE__;
const PASSITON_VERSION  = '0.4.0';

const PASSITON_MARKETING_KEY   = '_passiton_accepts_marketing';
const PASSITON_MARKETING_FIELD = 'passiton_accepts_marketing';
const PASSITON_MARKETING_BLOCK = 'passiton/accepts-marketing';

require_once __DIR__ . '/includes/passiton-codes.php';
require_once __DIR__ . '/includes/passiton-requests.php';
require_once __DIR__ . '/includes/passiton-share.php';
require_once __DIR__ . '/includes/passiton-panel.php';
require_once __DIR__ . '/includes/passiton-moments.php';
require_once __DIR__ . '/includes/passiton-storefront.php';
require_once __DIR__ . '/includes/passiton-account.php';
require_once __DIR__ . '/includes/passiton-checkout.php';
require_once __DIR__ . '/includes/passiton-consent.php';
require_once __DIR__ . '/includes/passiton-compatibility.php';
require_once __DIR__ . '/includes/passiton-lifecycle.php';
require_once __DIR__ . '/includes/passiton-revoke.php';
require_once __DIR__ . '/includes/passiton-privacy-hooks.php';

register_activation_hook( __FILE__, 'passiton_activate' );
register_deactivation_hook( __FILE__, 'passiton_deactivate' );

/**
 * The settings the merchant copies from their Passiton account page, and the switches: the
 * link in the order e-mails (on unless switched off) and the floating launcher (off).
 */
function passiton_settings() {
	$defaults = array(
		'app_url'      => '',
		'shop_id'      => '',
		'plugin_key'   => '',
		'order_emails' => '1',
		'launcher'     => '',
	);
	return wp_parse_args( (array) get_option( PASSITON_OPTION, array() ), $defaults );
}

// ?ref=CODE is remembered for 30 days; ?passiton_coupon=CODE is applied to the cart.
add_action(
	'template_redirect',
	function () {
		if ( isset( $_GET['ref'] ) ) { // phpcs:ignore WordPress.Security.NonceVerification
			$ref = passiton_clean_code( wp_unslash( $_GET['ref'] ) ); // phpcs:ignore WordPress.Security.NonceVerification
			if ( $ref ) {
				setcookie( PASSITON_COOKIE, $ref, time() + 30 * DAY_IN_SECONDS, COOKIEPATH, COOKIE_DOMAIN, is_ssl(), true );
				$_COOKIE[ PASSITON_COOKIE ] = $ref;
			}
		}
		if ( isset( $_GET['passiton_coupon'] ) && function_exists( 'WC' ) && WC()->cart ) { // phpcs:ignore WordPress.Security.NonceVerification
			$coupon = passiton_clean_code( wp_unslash( $_GET['passiton_coupon'] ) ); // phpcs:ignore WordPress.Security.NonceVerification
			if ( $coupon ) {
				if ( WC()->session && ! WC()->session->has_session() ) {
					WC()->session->set_customer_session_cookie( true );
				}
				// Applied now if the cart has items, and kept for when it gets some.
				WC()->session->set( 'passiton_coupon', $coupon );
				if ( ! WC()->cart->is_empty() && ! WC()->cart->has_discount( $coupon ) ) {
					WC()->cart->apply_coupon( $coupon );
				}
			}
		}
	}
);

/**
 * A signed call to Passiton (see includes/passiton-requests.php), read with passiton_read_answer().
 *
 * @param string $path    Passiton's route.
 * @param array  $body    The fields to send.
 * @param int    $timeout Seconds to wait for the answer.
 * @return array array( 'data' => array|null, 'error' => string ).
 */
function passiton_call( $path, array $body, $timeout = 5 ) {
	$request = passiton_signed_request( passiton_settings(), $path, $body, time() );
	if ( null === $request ) {
		return passiton_read_answer( '', null );
	}
	$response = wp_remote_post(
		$request['url'],
		array(
			'timeout' => $timeout,
			'body'    => $request['body'],
			'headers' => $request['headers'],
		)
	);
	if ( is_wp_error( $response ) ) {
		return passiton_read_answer( '', null );
	}
	return passiton_read_answer( wp_remote_retrieve_response_code( $response ), wp_remote_retrieve_body( $response ) );
}

// Settings page under WooCommerce, linked from the plugin list.
add_action(
	'admin_menu',
	function () {
		add_submenu_page( 'woocommerce', 'Passiton', 'Passiton', 'manage_woocommerce', 'passiton', 'passiton_settings_page' );
	}
);

add_filter(
	'plugin_action_links_' . plugin_basename( __FILE__ ),
	function ( $links ) {
		$links[] = '<a href="' . esc_url( admin_url( 'admin.php?page=passiton' ) ) . '">' . esc_html__( 'Settings', 'passiton' ) . '</a>';
		return $links;
	}
);

add_action(
	'admin_init',
	function () {
		register_setting(
			'passiton',
			PASSITON_OPTION,
			array(
				'sanitize_callback' => function ( $input ) {
					return array(
						'app_url'      => esc_url_raw( $input['app_url'] ?? '' ),
						'shop_id'      => preg_replace( '/\D/', '', $input['shop_id'] ?? '' ),
						'plugin_key'   => sanitize_text_field( $input['plugin_key'] ?? '' ),
						// Checkboxes: an unticked one is not posted at all.
						'order_emails' => empty( $input['order_emails'] ) ? '' : '1',
						'launcher'     => empty( $input['launcher'] ) ? '' : '1',
					);
				},
			)
		);
	}
);

/** The form where the merchant pastes the values shown on their Passiton account page. */
function passiton_settings_page() {
	if ( ! current_user_can( 'manage_woocommerce' ) ) {
		return;
	}
	$settings = passiton_settings();
	echo '<div class="wrap"><h1>Passiton</h1><form method="post" action="options.php">';
	settings_fields( 'passiton' );
	foreach ( array( 'app_url' => 'Passiton URL', 'shop_id' => 'Store id', 'plugin_key' => 'Plugin key' ) as $field => $label ) {
		printf(
			'<p><label>%1$s<br><input class="regular-text" name="%2$s[%3$s]" value="%4$s"></label></p>',
			esc_html( $label ),
			esc_attr( PASSITON_OPTION ),
			esc_attr( $field ),
			esc_attr( $settings[ $field ] )
		);
	}
	$switches = array(
		'order_emails' => __( 'Show the referral link in the processing and completed order e-mails', 'passiton' ),
		'launcher'     => __( 'Show a floating "Refer a friend" button on every page', 'passiton' ),
	);
	foreach ( $switches as $field => $label ) {
		printf(
			'<p><label><input type="checkbox" name="%1$s[%2$s]" value="1"%3$s> %4$s</label></p>',
			esc_attr( PASSITON_OPTION ),
			esc_attr( $field ),
			'1' === $settings[ $field ] ? ' checked' : '',
			esc_html( $label )
		);
	}
	submit_button();
	echo '</form></div>';
}
