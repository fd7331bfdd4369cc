<?php
/**
 * The shopper's opt-in to referral e-mails, on both of WooCommerce's checkouts.
 *
 * WooCommerce has no marketing-consent flag of its own, so Passiton sends its invitation and
 * reminder e-mails only to buyers who ticked this box. It is unticked by default (consent must
 * be given, not assumed) and its answer is kept on the order as PASSITON_MARKETING_KEY, "yes"
 * or "no", which Passiton reads from the order's meta_data in the webhook body. As with the
 * referral code (passiton-checkout.php), each checkout is hooked where WooCommerce's own source
 * (plugins/woocommerce/ in woocommerce/woocommerce) handles it.
 *
 * @package Passiton
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The box's label, in the shopper's language.
 *
 * @return string
 */
function passiton_marketing_label() {
	return __( 'E-mail me my personal link to share with friends, and a reminder.', 'passiton' );
}

/**
 * Whether a submitted box value means "ticked": the classic form posts "1", the Store API a
 * JSON true.
 *
 * @param mixed $value The submitted value.
 * @return bool
 */
function passiton_box_ticked( $value ) {
	return true === $value || 1 === $value || '1' === $value || 'on' === $value || 'yes' === $value;
}

/**
 * Keep the answer on the order being placed; WooCommerce saves the order after both hooks.
 *
 * @param WC_Order $order  The order.
 * @param bool     $ticked Whether the box was ticked.
 */
function passiton_note_marketing_on_order( $order, $ticked ) {
	$order->update_meta_data( PASSITON_MARKETING_KEY, $ticked ? 'yes' : 'no' );
}

/**
 * Classic checkout: the box above the "Place order" button. The templates/checkout/payment.php
 * template fires woocommerce_review_order_before_submit inside the checkout form, so the box is
 * posted with it whatever the theme does with the order-notes section.
 */
function passiton_render_marketing_box() {
	printf(
		'<p class="form-row passiton-marketing"><label class="woocommerce-form__label woocommerce-form__label-for-checkbox checkbox"><input type="checkbox" class="woocommerce-form__input woocommerce-form__input-checkbox input-checkbox" name="%1$s" id="%1$s" value="1" /> <span>%2$s</span></label></p>',
		esc_attr( PASSITON_MARKETING_FIELD ),
		esc_html( passiton_marketing_label() )
	);
}
add_action( 'woocommerce_review_order_before_submit', 'passiton_render_marketing_box' );

/**
 * Classic checkout: WC_Checkout::process_checkout() has checked the checkout nonce before
 * create_order() fires this hook, and an unregistered field is not in $data, so the box is read
 * from the POST itself. An unticked checkbox is not posted at all.
 *
 * @param WC_Order $order The order being created.
 */
function passiton_note_classic_marketing( $order ) {
	// phpcs:ignore WordPress.Security.NonceVerification.Missing -- verified by WC_Checkout.
	$posted = isset( $_POST[ PASSITON_MARKETING_FIELD ] ) ? sanitize_key( wp_unslash( $_POST[ PASSITON_MARKETING_FIELD ] ) ) : '';
	passiton_note_marketing_on_order( $order, passiton_box_ticked( $posted ) );
}
add_action( 'woocommerce_checkout_create_order', 'passiton_note_classic_marketing' );

/**
 * Checkout block: an Additional Checkout Field in the order section. The Store API validates
 * it and stores it itself (as _wc_other/passiton/accepts-marketing); Passiton reads one key on
 * both checkouts, so the answer is copied to PASSITON_MARKETING_KEY as well. The fields API
 * exists from WooCommerce 8.9 and must be called once WooCommerce has loaded (woocommerce_init).
 */
function passiton_register_block_marketing_box() {
	if ( ! function_exists( 'woocommerce_register_additional_checkout_field' ) ) {
		return;
	}
	woocommerce_register_additional_checkout_field(
		array(
			'id'       => PASSITON_MARKETING_BLOCK,
			'label'    => passiton_marketing_label(),
			'location' => 'order',
			'type'     => 'checkbox',
		)
	);
}
add_action( 'woocommerce_init', 'passiton_register_block_marketing_box' );

/**
 * Checkout block: CheckoutTrait::update_order_from_request() (src/StoreApi/Utilities/
 * CheckoutTrait.php) persists the additional fields from $request['additional_fields'], then
 * fires this hook, then saves the order.
 *
 * @param WC_Order        $order   The order being placed.
 * @param WP_REST_Request $request The place-order request.
 */
function passiton_note_block_marketing( $order, $request ) {
	$fields = $request->get_param( 'additional_fields' );
	$value  = is_array( $fields ) && isset( $fields[ PASSITON_MARKETING_BLOCK ] ) ? $fields[ PASSITON_MARKETING_BLOCK ] : false;
	passiton_note_marketing_on_order( $order, passiton_box_ticked( $value ) );
}
add_action( 'woocommerce_store_api_checkout_update_order_from_request', 'passiton_note_block_marketing', 10, 2 );
