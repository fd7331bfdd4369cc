<?php
/**
 * "Refer a friend" in My Account: the shopper's link, points and codes, and the forms that turn
 * points into a reward code or a gift code.
 *
 * Passiton is called server-side with passiton_call(), so the plugin key never reaches the
 * browser, and the shopper is always the logged-in user: the forms carry no customer id or
 * e-mail, and none would be read.
 *
 * @package Passiton
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

const PASSITON_ENDPOINT      = 'refer-a-friend';
const PASSITON_REDEEM_ACTION = 'passiton_redeem';
const PASSITON_NOTICE_TTL    = 600;

/** The tab's URL, /my-account/refer-a-friend/; also added on activation, before the rules are flushed. */
function passiton_add_account_endpoint() {
	add_rewrite_endpoint( PASSITON_ENDPOINT, EP_ROOT | EP_PAGES );
}

add_action( 'init', 'passiton_add_account_endpoint' );

add_filter(
	'woocommerce_account_menu_items',
	function ( $items ) {
		$items[ PASSITON_ENDPOINT ] = __( 'Refer a friend', 'passiton' );
		return $items;
	}
);

add_action( 'woocommerce_account_' . PASSITON_ENDPOINT . '_endpoint', 'passiton_render_referral_tab' );
add_action( 'template_redirect', 'passiton_handle_redeem_form' );

/** The logged-in user, as Passiton identifies a shopper. */
function passiton_current_shopper() {
	$user = wp_get_current_user();
	return passiton_shopper( $user->ID, $user->user_email, $user->first_name, determine_locale() );
}

/**
 * Where a redemption's result waits for the page the form redirects to.
 *
 * @param int $user_id The shopper.
 * @return string
 */
function passiton_notice_key( $user_id ) {
	return 'passiton_redeem_' . (int) $user_id;
}

/**
 * The redeem form's POST: check the nonce, call Passiton, keep the result, redirect (PRG).
 *
 * Runs on template_redirect, as WooCommerce's own account forms do, before any output. The
 * result is kept for the user for a few minutes and shown once by the page redirected to, so
 * reloading that page never posts the form again.
 */
function passiton_handle_redeem_form() {
	if ( ! isset( $_POST['passiton_action'] ) || 'redeem' !== $_POST['passiton_action'] ) { // phpcs:ignore WordPress.Security.NonceVerification.Missing -- only routing; the nonce is checked below.
		return;
	}
	$user_id = get_current_user_id();
	if ( ! $user_id ) {
		wp_safe_redirect( wc_get_page_permalink( 'myaccount' ), 303 );
		exit;
	}
	wc_nocache_headers();
	$nonce  = isset( $_POST['passiton_nonce'] ) ? sanitize_key( wp_unslash( $_POST['passiton_nonce'] ) ) : '';
	$notice = wp_verify_nonce( $nonce, PASSITON_REDEEM_ACTION )
		? passiton_redeem_posted_points()
		: array( 'error' => __( 'the form had expired, please try again', 'passiton' ) );
	set_transient( passiton_notice_key( $user_id ), $notice, PASSITON_NOTICE_TTL );
	wp_safe_redirect( wc_get_account_endpoint_url( PASSITON_ENDPOINT ), 303 );
	exit;
}

/**
 * Redeem what the form asks for, for the logged-in user; the caller has checked the nonce.
 *
 * @return array The notice to show, from passiton_redemption_notice() or a form error.
 */
function passiton_redeem_posted_points() {
	// phpcs:disable WordPress.Security.NonceVerification.Missing -- checked by the caller.
	$points = isset( $_POST['passiton_points'] ) ? passiton_points( wp_unslash( $_POST['passiton_points'] ) ) : 0;
	$kind   = isset( $_POST['passiton_kind'] ) ? sanitize_key( wp_unslash( $_POST['passiton_kind'] ) ) : '';
	$key    = isset( $_POST['passiton_key'] ) ? sanitize_key( wp_unslash( $_POST['passiton_key'] ) ) : '';
	// phpcs:enable
	if ( 0 === $points ) {
		return array( 'error' => __( 'enter a whole number of points', 'passiton' ) );
	}
	$body = passiton_redeem_body( passiton_current_shopper(), $points, $kind, $key );
	if ( null === $body ) {
		return array( 'error' => __( 'the form had expired, please try again', 'passiton' ) );
	}
	return passiton_redemption_notice( passiton_call( '/woocommerce/plugin/redeem', $body ), $kind, $key );
}

/** The "Refer a friend" tab. */
function passiton_render_referral_tab() {
	$user_id = get_current_user_id();
	$notice  = get_transient( passiton_notice_key( $user_id ) );
	if ( false !== $notice ) {
		delete_transient( passiton_notice_key( $user_id ) );
	}
	$answer = passiton_call( '/woocommerce/plugin/customer', passiton_current_shopper() );
	$view   = is_array( $answer['data'] ) ? passiton_referral_view( $answer['data'] ) : null;

	echo '<h2>' . esc_html__( 'Refer a friend', 'passiton' ) . '</h2>';
	// Before anything that may fail: the notice can hold the code just made.
	if ( is_array( $notice ) ) {
		passiton_render_notice( $notice );
	}
	if ( null === $view ) {
		echo '<p>' . esc_html__( 'The referral program is not available right now.', 'passiton' ) . '</p>';
		return;
	}
	echo '<p>' . esc_html__( 'Share your link:', 'passiton' ) . ' <a href="' . esc_url( $view['link'] ) . '">' . esc_html( $view['link'] ) . '</a></p>';
	echo '<p>' . esc_html(
		sprintf(
			/* translators: 1: available points, 2: pending points */
			__( 'Points: %1$s available, %2$s pending until the return window has passed.', 'passiton' ),
			number_format_i18n( $view['points_available'] ),
			number_format_i18n( $view['points_pending'] )
		)
	) . '</p>';
	if ( $view['program_open'] ) {
		passiton_render_redemption( $view, is_array( $notice ) ? $notice : array() );
	}
	passiton_render_codes( $view );
}

/**
 * How points turn into codes, and the forms when the shopper has enough.
 *
 * @param array $view   From passiton_referral_view().
 * @param array $notice The last redemption's result, if any.
 */
function passiton_render_redemption( array $view, array $notice ) {
	echo '<h3>' . esc_html__( 'Use your points', 'passiton' ) . '</h3>';
	echo '<p>' . esc_html(
		sprintf(
			/* translators: 1: points per currency unit, 2: currency code, 3: fewest points to redeem */
			__( '%1$s points are worth 1.00 %2$s. You can redeem from %3$s points.', 'passiton' ),
			number_format_i18n( $view['points_per_currency_unit'] ),
			$view['currency'],
			number_format_i18n( $view['min_redemption_points'] )
		)
	) . '</p>';
	if ( ! $view['can_redeem'] ) {
		return;
	}
	$kinds = $view['gifts_enabled'] ? array( 'reward', 'gift' ) : array( 'reward' );
	foreach ( $kinds as $kind ) {
		// After an attempt whose outcome is unknown, the same form sends the same key again.
		$retry = isset( $notice['retry_key'], $notice['kind'] ) && $kind === $notice['kind'];
		passiton_render_redeem_form( $kind, $view, $retry ? $notice['retry_key'] : passiton_new_idempotency_key() );
	}
}

/**
 * One redeem form. Its idempotency key is made when the form is rendered: submitting it twice
 * (a double click, a resent POST) redeems once and shows the same code.
 *
 * @param string $kind 'reward' or 'gift'.
 * @param array  $view From passiton_referral_view().
 * @param string $key  The idempotency key.
 */
function passiton_render_redeem_form( $kind, array $view, $key ) {
	$field  = 'passiton-points-' . $kind;
	$label  = 'gift' === $kind ? __( 'Points for a gift code for someone else', 'passiton' ) : __( 'Points for a discount code for you', 'passiton' );
	$button = 'gift' === $kind ? __( 'Make a gift code', 'passiton' ) : __( 'Get my code', 'passiton' );
	printf( '<form method="post" class="passiton-redeem" action="%s">', esc_url( wc_get_account_endpoint_url( PASSITON_ENDPOINT ) ) );
	printf(
		'<p class="form-row"><label for="%1$s">%2$s</label><input type="number" class="input-text" id="%1$s" name="passiton_points" inputmode="numeric" step="1" min="%3$s" max="%4$s" required></p>',
		esc_attr( $field ),
		esc_html( $label ),
		esc_attr( (string) $view['min_redemption_points'] ),
		esc_attr( (string) $view['points_available'] )
	);
	// wp_create_nonce rather than wp_nonce_field: two forms on one page, and no duplicate ids.
	printf(
		'<input type="hidden" name="passiton_action" value="redeem"><input type="hidden" name="passiton_kind" value="%1$s"><input type="hidden" name="passiton_key" value="%2$s"><input type="hidden" name="passiton_nonce" value="%3$s">',
		esc_attr( $kind ),
		esc_attr( $key ),
		esc_attr( wp_create_nonce( PASSITON_REDEEM_ACTION ) )
	);
	printf( '<p><button type="submit" class="button">%s</button></p></form>', esc_html( $button ) );
}

/**
 * The shopper's codes, newest first.
 *
 * @param array $view From passiton_referral_view().
 */
function passiton_render_codes( array $view ) {
	if ( ! $view['rewards'] ) {
		return;
	}
	echo '<h3>' . esc_html__( 'Your codes', 'passiton' ) . '</h3>';
	printf(
		'<table class="shop_table passiton-codes"><thead><tr><th scope="col">%1$s</th><th scope="col">%2$s</th><th scope="col">%3$s</th></tr></thead><tbody>',
		esc_html__( 'Code', 'passiton' ),
		esc_html__( 'For', 'passiton' ),
		esc_html__( 'Worth', 'passiton' )
	);
	foreach ( $view['rewards'] as $reward ) {
		printf(
			'<tr><td><code>%1$s</code></td><td>%2$s</td><td>%3$s</td></tr>',
			esc_html( $reward['code'] ),
			'gift' === $reward['kind'] ? esc_html__( 'a gift', 'passiton' ) : esc_html__( 'you', 'passiton' ),
			// Passiton writes the amount in the tab's language when it can; else "5.00 EUR".
			esc_html( '' !== $reward['amount_text'] ? $reward['amount_text'] : trim( $reward['amount'] . ' ' . $view['currency'] ) )
		);
	}
	echo '</tbody></table>';
}

/**
 * The last redemption's result: the code, or why there is none.
 *
 * @param array $notice From passiton_redemption_notice(), or a form error.
 */
function passiton_render_notice( array $notice ) {
	if ( isset( $notice['code'] ) ) {
		$text  = 'gift' === $notice['kind']
			? __( 'Your gift code, for anyone you give it to:', 'passiton' )
			: __( 'Your code, to use at checkout:', 'passiton' );
		$worth = '' !== $notice['amount'] ? ' (' . trim( $notice['amount'] . ' ' . $notice['currency'] ) . ')' : '';
		printf(
			'<div class="woocommerce-message" role="status">%1$s <strong><code>%2$s</code></strong>%3$s</div>',
			esc_html( $text ),
			esc_html( $notice['code'] ),
			esc_html( $worth )
		);
		return;
	}
	$reason = isset( $notice['error'] ) ? (string) $notice['error'] : '';
	$text   = '' !== $reason
		/* translators: %s: why, as Passiton or the form said it */
		? sprintf( __( 'Your points were not redeemed: %s.', 'passiton' ), rtrim( $reason, '.' ) )
		: __( 'Your points could not be redeemed just now. Please try again.', 'passiton' );
	printf( '<ul class="woocommerce-error" role="alert"><li>%s</li></ul>', esc_html( $text ) );
}
