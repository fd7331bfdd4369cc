<?php
/**
 * The buyer's link where they already are after paying: the order-received (thank-you) page,
 * classic and block, and the customer's processing and completed e-mails.
 *
 * WooCommerce sends the processing e-mail inside the payment request, before any webhook has
 * reached Passiton; the thank-you page follows at once. So the plugin asks Passiton for the
 * order's buyer (/woocommerce/plugin/order, which enrols them on demand) with a short timeout,
 * and on any failure or delay leaves the block out: the page and the e-mail go on without it.
 *
 * @package Passiton
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

// Short: the processing e-mail is sent while the shopper waits for the payment to finish.
const PASSITON_ORDER_TIMEOUT = 3;
const PASSITON_EMAILS        = array( 'customer_processing_order', 'customer_completed_order' );

/**
 * Passiton's answer for an order's buyer, as passiton_referral_view() checks it; null when
 * there is none (not configured, not paid, Passiton down or slow, program paused).
 *
 * Asked once per order and request: the HTML and plain e-mails, or the two places the block
 * thank-you page can show the panel, share one call.
 *
 * @param WC_Order $order The order.
 * @return array|null
 */
function passiton_order_view( $order ) {
	static $views = array();
	$order_id = (int) $order->get_id();
	if ( ! array_key_exists( $order_id, $views ) ) {
		$created = $order->get_date_created();
		$body    = passiton_order_body(
			$order_id,
			$order->get_status(),
			$order->get_customer_id(),
			$order->get_billing_email(),
			$order->get_billing_first_name(),
			(string) $order->get_meta( PASSITON_LANG_KEY ),
			$created ? gmdate( 'Y-m-d\TH:i:s', $created->getTimestamp() ) : ''
		);
		$answer  = passiton_call( '/woocommerce/plugin/order', $body, PASSITON_ORDER_TIMEOUT );
		$view    = is_array( $answer['data'] ) ? passiton_referral_view( $answer['data'] ) : null;
		// A paused program asks nobody to refer.
		$views[ $order_id ] = null !== $view && $view['program_open'] ? $view : null;
	}
	return $views[ $order_id ];
}

/**
 * Whether the visitor may see this order's panel: WooCommerce's own rule for the page.
 *
 * The order key from the URL must match (it is the secret of the order-received link). An
 * order with an account is shown only to that account; a guest's, like WooCommerce's
 * AbstractOrderConfirmationBlock::get_view_order_permissions(), only within the grace period
 * after it was placed (after that WooCommerce asks for the e-mail first, and the order's
 * e-mail carries the link anyway).
 *
 * @param WC_Order $order The order.
 * @return bool
 */
function passiton_order_viewable( $order ) {
	$key = isset( $_GET['key'] ) ? wc_clean( wp_unslash( $_GET['key'] ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification.Recommended
	if ( '' === $key || ! $order->key_is_valid( $key ) ) {
		return false;
	}
	if ( $order->get_customer_id() > 0 ) {
		return $order->get_customer_id() === get_current_user_id();
	}
	$created = $order->get_date_created();
	$grace   = (int) apply_filters( 'woocommerce_order_email_verification_grace_period', 10 * MINUTE_IN_SECONDS, $order, 'order-received' );
	return $created && time() - $created->getTimestamp() <= $grace;
}

/**
 * The panel for the order on the order-received page, once per page; '' when not shown.
 *
 * @param int $order_id The order's id.
 * @return string
 */
function passiton_thankyou_html( $order_id ) {
	static $shown = array();
	$order = wc_get_order( $order_id );
	if ( ! $order || isset( $shown[ $order->get_id() ] ) || ! passiton_order_viewable( $order ) ) {
		return '';
	}
	$view = passiton_order_view( $order );
	if ( null === $view ) {
		return '';
	}
	$shown[ $order->get_id() ] = true;
	return passiton_panel_html( $view, $order->get_customer_id() > 0 );
}

/**
 * The classic page (templates/checkout/thankyou.php fires woocommerce_thankyou( $order_id ))
 * and, on the Order Confirmation block, its "Additional information" inner block, which fires
 * the same hook (AdditionalInformation::render_content()).
 *
 * @param int $order_id The order's id.
 */
function passiton_render_thankyou( $order_id ) {
	echo passiton_thankyou_html( (int) $order_id ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built escaped.
}

add_action( 'woocommerce_thankyou', 'passiton_render_thankyou', 20 );

/**
 * The Order Confirmation block (WooCommerce 10's block themes): after its status block.
 *
 * woocommerce_thankyou fires there only inside the "Additional information" block, which a
 * merchant can remove from the template. The status block ("Thank you. Your order has been
 * received.") heads every order-confirmation template, so the panel follows it through
 * WordPress's render_block_{name} filter; the order is the page's `order-received` query var,
 * as AbstractOrderConfirmationBlock::get_order() reads it. Once shown here, the hook above
 * shows nothing more.
 *
 * @param string $content The status block's HTML.
 * @return string
 */
function passiton_after_order_status_block( $content ) {
	$order_id = absint( get_query_var( 'order-received' ) );
	return $order_id ? $content . passiton_thankyou_html( $order_id ) : $content;
}

add_filter( 'render_block_woocommerce/order-confirmation-status', 'passiton_after_order_status_block' );

/**
 * The link and the friend's offer in the customer's processing and completed e-mails.
 *
 * woocommerce_email_after_order_table( $order, $sent_to_admin, $plain_text, $email ) is fired
 * by the e-mail templates (templates/emails/customer-processing-order.php and its plain/
 * twin, through woocommerce_email_order_details) for every order e-mail; only these two, and
 * never the copy sent to the store, carry it.
 *
 * @param WC_Order $order         The order.
 * @param bool     $sent_to_admin Whether this is the store's copy.
 * @param bool     $plain_text    Plain-text e-mail.
 * @param WC_Email $email         The e-mail being sent.
 */
function passiton_email_block( $order, $sent_to_admin = false, $plain_text = false, $email = null ) {
	if ( $sent_to_admin || ! is_object( $email ) || ! in_array( $email->id, PASSITON_EMAILS, true ) ) {
		return;
	}
	if ( '1' !== passiton_settings()['order_emails'] || ! is_a( $order, 'WC_Order' ) ) {
		return;
	}
	$view = passiton_order_view( $order );
	if ( null === $view ) {
		return;
	}
	$offer = '' !== $view['friend_offer']
		/* translators: %s: the friend's discount ("15%", "10,00 €") */
		? sprintf( __( 'Give your friends %s off their first order with your personal link:', 'passiton' ), $view['friend_offer'] )
		: __( 'Give your friends a discount on their first order with your personal link:', 'passiton' );
	if ( $plain_text ) {
		echo "\n" . esc_html( wp_strip_all_tags( __( 'Refer a friend', 'passiton' ) ) ) . "\n\n" . esc_html( $offer ) . "\n" . esc_url_raw( $view['link'] ) . "\n\n";
		return;
	}
	printf(
		'<div class="passiton-email" style="margin:0 0 24px"><h2>%1$s</h2><p>%2$s<br><a href="%3$s">%4$s</a></p></div>',
		esc_html__( 'Refer a friend', 'passiton' ),
		esc_html( $offer ),
		esc_url( $view['link'] ),
		esc_html( $view['link'] )
	);
}

add_action( 'woocommerce_email_after_order_table', 'passiton_email_block', 20, 4 );
