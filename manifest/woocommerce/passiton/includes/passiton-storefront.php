<?php
/**
 * "Refer a friend" on any page: the [passiton_refer] shortcode, the passiton/refer-a-friend
 * block and, when the merchant switches it on, a floating launcher opening the same panel.
 *
 * All three are rendered on the server (the block by its render_callback, with a plain-script
 * editor preview: no build step) from a signed call made by the store's server, so the plugin
 * key never reaches the browser.
 *
 * @package Passiton
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The panel for whoever is looking: the order's buyer on the order-received page, the
 * logged-in shopper elsewhere, and an invitation to log in for anyone else.
 *
 * @return string
 */
function passiton_refer_html() {
	$order_id = absint( get_query_var( 'order-received' ) );
	if ( $order_id ) {
		$html = passiton_thankyou_html( $order_id );
		if ( '' !== $html ) {
			return $html;
		}
	}
	if ( ! get_current_user_id() ) {
		return sprintf(
			'<section class="passiton-refer"><h2>%1$s</h2><p><a href="%2$s">%3$s</a></p></section>',
			esc_html__( 'Refer a friend', 'passiton' ),
			esc_url( wc_get_page_permalink( 'myaccount' ) ),
			esc_html__( 'Log in to get your referral link.', 'passiton' )
		);
	}
	$view = passiton_shopper_view();
	return null === $view ? '' : passiton_panel_html( $view, true );
}

/**
 * The logged-in shopper's view, asked once per request (a page may hold the block and the
 * launcher); null when Passiton has no usable answer or the program is paused.
 *
 * @return array|null
 */
function passiton_shopper_view() {
	static $view = false;
	if ( false === $view ) {
		$answer = passiton_call( '/woocommerce/plugin/customer', passiton_current_shopper(), PASSITON_ORDER_TIMEOUT );
		$found  = is_array( $answer['data'] ) ? passiton_referral_view( $answer['data'] ) : null;
		$view   = null !== $found && $found['program_open'] ? $found : null;
	}
	return $view;
}

add_shortcode( 'passiton_refer', 'passiton_refer_html' );

/** The block, from its block.json; the render callback is the shortcode's. */
function passiton_register_block() {
	register_block_type(
		dirname( PASSITON_FILE ) . '/blocks/refer-a-friend',
		array( 'render_callback' => 'passiton_refer_html' )
	);
}

add_action( 'init', 'passiton_register_block' );

/**
 * The floating launcher: a button on every storefront page opening the panel in a dialog.
 *
 * Off by default (WooCommerce → Passiton). For a logged-in shopper it costs one call to
 * Passiton per page, with the same short timeout as the thank-you page; on any failure the
 * launcher is left out.
 */
function passiton_render_launcher() {
	if ( '1' !== passiton_settings()['launcher'] || is_admin() ) {
		return;
	}
	$panel = passiton_refer_html();
	if ( '' === $panel ) {
		return;
	}
	passiton_enqueue_share_script();
	printf(
		'<button type="button" class="passiton-launcher" data-passiton-launcher="passiton-launcher-dialog" style="position:fixed;bottom:20px;right:20px;z-index:9999">%1$s</button><dialog id="passiton-launcher-dialog" class="passiton-launcher-dialog" aria-label="%2$s">%3$s<form method="dialog"><button type="submit" class="button">%4$s</button></form></dialog>',
		esc_html__( 'Refer a friend', 'passiton' ),
		esc_attr__( 'Refer a friend', 'passiton' ),
		$panel, // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built escaped.
		esc_html__( 'Close', 'passiton' )
	);
}

add_action( 'wp_footer', 'passiton_render_launcher' );
