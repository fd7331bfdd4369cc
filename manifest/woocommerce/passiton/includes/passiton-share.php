<?php
/**
 * The order call's body and the share links, as plain data.
 *
 * Plain PHP, no WordPress: tests/woocommerce/test_plugin_php.py loads this file on its own.
 *
 * @package Passiton
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The body of /woocommerce/plugin/order: who bought, from the order itself.
 *
 * Works for guests (customer id 0, then Passiton knows the buyer by the billing e-mail) as
 * for customers with an account, and never from anything the browser sent.
 *
 * @param int    $order_id    The order's id.
 * @param string $status      Its status ("processing"); Passiton enrols only for paid ones.
 * @param int    $customer_id The order's user id, 0 for a guest.
 * @param string $email       The billing e-mail.
 * @param string $first_name  The billing first name.
 * @param string $locale      The language the order was placed in (the `_passiton_locale` meta), or ''.
 * @param string $created_at  `date_created_gmt` as the REST API writes it (2026-11-22T18:56:19), or ''.
 * @return array
 */
function passiton_order_body( $order_id, $status, $customer_id, $email, $first_name, $locale, $created_at ) {
	$body = array(
		'order_id'    => (int) $order_id,
		'status'      => (string) $status,
		'customer_id' => (string) (int) $customer_id,
		'email'       => (string) $email,
		'first_name'  => (string) $first_name,
	);
	if ( is_string( $locale ) && '' !== $locale ) {
		$body['locale'] = $locale;
	}
	if ( is_string( $created_at ) && '' !== $created_at ) {
		$body['created_at'] = $created_at;
	}
	return $body;
}

/**
 * Where each share button sends the link with its message: e-mail, WhatsApp and SMS.
 *
 * One-to-one channels only: the buyer chooses who gets their link, and no third-party script
 * is loaded (the links open the visitor's own mail, WhatsApp or messaging app). The message is
 * prefilled and stays editable there. The copy and native share buttons need no URL.
 *
 * @param string $link    The referral link.
 * @param string $subject The e-mail's subject.
 * @param string $message The message before the link.
 * @return array channel => URL.
 */
function passiton_share_links( $link, $subject, $message ) {
	$text = rawurlencode( $message . ' ' . $link );
	return array(
		'email'    => 'mailto:?subject=' . rawurlencode( $subject ) . '&body=' . $text,
		'whatsapp' => 'https://wa.me/?text=' . $text,
		// "sms:?&body=" is the form both iOS and Android messaging apps read.
		'sms'      => 'sms:?&body=' . $text,
	);
}
