<?php
/**
 * Plugin Name: Passiton referrals
 * Description: Storefront pieces of the Passiton referral program: friend codes, referral attribution and a "Refer a friend" section in My Account.
 * Version: 0.1.0
 * Requires Plugins: woocommerce
 * License: MIT
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

const PASSITON_OPTION   = 'passiton_settings';
const PASSITON_COOKIE   = 'passiton_ref';
const PASSITON_META_KEY = '_passiton_ref';

/** The settings the merchant copies from their Passiton account page. */
function passiton_settings() {
	$defaults = array( 'app_url' => '', 'shop_id' => '', 'plugin_key' => '' );
	return wp_parse_args( (array) get_option( PASSITON_OPTION, array() ), $defaults );
}

/** Referral codes and coupon codes: letters, digits and dashes only. */
function passiton_clean_code( $raw ) {
	$code = strtoupper( sanitize_text_field( wp_unslash( $raw ) ) );
	return preg_match( '/^[A-Z0-9][A-Z0-9-]{2,40}$/', $code ) ? $code : '';
}

// ?ref=CODE is remembered for 30 days; ?passiton_coupon=CODE is applied to the cart.
add_action(
	'template_redirect',
	function () {
		if ( isset( $_GET['ref'] ) ) { // phpcs:ignore WordPress.Security.NonceVerification
			$ref = passiton_clean_code( $_GET['ref'] ); // phpcs:ignore WordPress.Security.NonceVerification
			if ( $ref ) {
				setcookie( PASSITON_COOKIE, $ref, time() + 30 * DAY_IN_SECONDS, COOKIEPATH, COOKIE_DOMAIN, is_ssl(), true );
				$_COOKIE[ PASSITON_COOKIE ] = $ref;
			}
		}
		if ( isset( $_GET['passiton_coupon'] ) && function_exists( 'WC' ) && WC()->cart ) { // phpcs:ignore WordPress.Security.NonceVerification
			$coupon = passiton_clean_code( $_GET['passiton_coupon'] ); // phpcs:ignore WordPress.Security.NonceVerification
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

add_action(
	'woocommerce_add_to_cart',
	function () {
		$coupon = WC()->session ? WC()->session->get( 'passiton_coupon' ) : '';
		if ( $coupon && ! WC()->cart->has_discount( $coupon ) ) {
			WC()->cart->apply_coupon( $coupon );
		}
	}
);

// The referral code travels with the order as meta; Passiton reads it from the webhook body.
add_action(
	'woocommerce_checkout_create_order',
	function ( $order ) {
		$ref = isset( $_COOKIE[ PASSITON_COOKIE ] ) ? passiton_clean_code( $_COOKIE[ PASSITON_COOKIE ] ) : '';
		if ( $ref ) {
			$order->update_meta_data( PASSITON_META_KEY, $ref );
		}
	}
);

/** A signed call to Passiton: HMAC-SHA256 over "timestamp.body" with this store's plugin key. */
function passiton_call( $path, array $body ) {
	$settings = passiton_settings();
	if ( ! $settings['app_url'] || ! $settings['shop_id'] || ! $settings['plugin_key'] ) {
		return null;
	}
	$raw       = wp_json_encode( $body );
	$timestamp = (string) time();
	$response  = wp_remote_post(
		untrailingslashit( $settings['app_url'] ) . $path,
		array(
			'timeout' => 5,
			'body'    => $raw,
			'headers' => array(
				'Content-Type'         => 'application/json',
				'X-Passiton-Shop'      => $settings['shop_id'],
				'X-Passiton-Timestamp' => $timestamp,
				'X-Passiton-Signature' => hash_hmac( 'sha256', $timestamp . '.' . $raw, $settings['plugin_key'] ),
			),
		)
	);
	if ( is_wp_error( $response ) || 200 !== wp_remote_retrieve_response_code( $response ) ) {
		return null;
	}
	$data = json_decode( wp_remote_retrieve_body( $response ), true );
	return is_array( $data ) ? $data : null;
}

// "Refer a friend" in My Account: link and points, fetched server-side (the key never leaves PHP).
add_action(
	'init',
	function () {
		add_rewrite_endpoint( 'refer-a-friend', EP_ROOT | EP_PAGES );
	}
);

add_filter(
	'woocommerce_account_menu_items',
	function ( $items ) {
		$items['refer-a-friend'] = __( 'Refer a friend', 'passiton' );
		return $items;
	}
);

add_action(
	'woocommerce_account_refer-a-friend_endpoint',
	function () {
		$user = wp_get_current_user();
		$data = passiton_call(
			'/woocommerce/plugin/customer',
			array(
				'customer_id' => (string) $user->ID,
				'email'       => $user->user_email,
				'first_name'  => $user->first_name,
			)
		);
		if ( null === $data ) {
			echo '<p>' . esc_html__( 'The referral program is not available right now.', 'passiton' ) . '</p>';
			return;
		}
		echo '<h2>' . esc_html__( 'Refer a friend', 'passiton' ) . '</h2>';
		echo '<p>' . esc_html__( 'Share your link:', 'passiton' ) . ' <a href="' . esc_url( $data['link'] ) . '">' . esc_html( $data['link'] ) . '</a></p>';
		echo '<p>' . esc_html(
			sprintf(
				/* translators: 1: available points, 2: pending points */
				__( 'Points: %1$d available, %2$d pending', 'passiton' ),
				(int) $data['points_available'],
				(int) $data['points_pending']
			)
		) . '</p>';
	}
);

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
						'app_url'    => esc_url_raw( $input['app_url'] ?? '' ),
						'shop_id'    => preg_replace( '/\D/', '', $input['shop_id'] ?? '' ),
						'plugin_key' => sanitize_text_field( $input['plugin_key'] ?? '' ),
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
	submit_button();
	echo '</form></div>';
}
