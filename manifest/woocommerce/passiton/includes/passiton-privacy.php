<?php
/**
 * WordPress's personal-data tools and Passiton: what the exporter and eraser send and return.
 *
 * Plain PHP, no WordPress (tests/woocommerce runs these functions with php-cli against
 * Passiton's real routes). includes/passiton-privacy-hooks.php registers them with WordPress.
 *
 * @package Passiton
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

const PASSITON_PRIVACY_GROUP = 'passiton-referrals';

/**
 * The body of a privacy call: the address the request is for, and its user's id (0: none).
 *
 * @param string $email   The e-mail address of the export or erasure request.
 * @param int    $user_id The store account with that address, or 0.
 * @return array
 */
function passiton_privacy_body( $email, $user_id ) {
	return array(
		'email'       => (string) $email,
		'customer_id' => (string) (int) $user_id,
	);
}

/**
 * What an exporter callback returns: the personal data Passiton holds, as WordPress groups it.
 *
 * @param array $answer From passiton_read_answer() for /woocommerce/plugin/privacy/export.
 * @return array|null array( 'data' => items, 'done' => true ), or null when there was no answer.
 */
function passiton_exporter_result( array $answer ) {
	if ( ! isset( $answer['data'] ) || ! is_array( $answer['data'] ) ) {
		return null;
	}
	$data  = $answer['data'];
	$items = array();
	foreach ( passiton_list( $data, 'customers' ) as $index => $customer ) {
		$items[] = passiton_export_item(
			'customer-' . $index,
			array(
				'E-mail'               => passiton_text( $customer, 'email' ),
				'First name'           => passiton_text( $customer, 'first_name' ),
				'Referral code'        => passiton_text( $customer, 'referral_code' ),
				'Points pending'       => passiton_text( $customer, 'points_pending' ),
				'Points available'     => passiton_text( $customer, 'points_available' ),
				'In the program since' => passiton_text( $customer, 'created_at' ),
			)
		);
		foreach ( passiton_list( $customer, 'referrals' ) as $n => $referral ) {
			$items[] = passiton_export_item(
				'customer-' . $index . '-referral-' . $n,
				array(
					'Friend referred' => passiton_text( $referral, 'friend_email' ),
					'Status'          => passiton_text( $referral, 'status' ),
					'Order'           => passiton_text( $referral, 'order_id' ),
				)
			);
		}
		foreach ( passiton_list( $customer, 'codes' ) as $n => $code ) {
			$items[] = passiton_export_item(
				'customer-' . $index . '-code-' . $n,
				array(
					'Reward code' => passiton_text( $code, 'code' ),
					'Kind'        => passiton_text( $code, 'kind' ),
					'Amount'      => passiton_text( $code, 'amount' ),
				)
			);
		}
	}
	foreach ( passiton_list( $data, 'referred_by' ) as $n => $referral ) {
		$items[] = passiton_export_item(
			'referred-' . $n,
			array(
				'Referred as' => passiton_text( $referral, 'friend_email' ),
				'Status'      => passiton_text( $referral, 'status' ),
				'Order'       => passiton_text( $referral, 'order_id' ),
			)
		);
	}
	return array(
		'data' => $items,
		'done' => true,
	);
}

/**
 * What an eraser callback returns, from Passiton's answer to /woocommerce/plugin/privacy/erase.
 *
 * Points and amounts stay in Passiton's ledger without anything that names the person, so
 * nothing personal is retained.
 *
 * @param array $answer From passiton_read_answer().
 * @return array|null WordPress's eraser shape, or null when there was no answer.
 */
function passiton_eraser_result( array $answer ) {
	if ( ! isset( $answer['data'] ) || ! is_array( $answer['data'] ) ) {
		return null;
	}
	$removed = isset( $answer['data']['items_removed'] ) && true === $answer['data']['items_removed'];
	return array(
		'items_removed'  => $removed,
		'items_retained' => false,
		'messages'       => $removed ? array( 'Referral program: points and amounts are kept without personal data.' ) : array(),
		'done'           => true,
	);
}

/**
 * One item of the export, in the group of the referral program.
 *
 * @param string $id     Unique within the export.
 * @param array  $fields Label => value; empty values are left out.
 * @return array
 */
function passiton_export_item( $id, array $fields ) {
	$data = array();
	foreach ( $fields as $name => $value ) {
		if ( '' !== $value ) {
			$data[] = array(
				'name'  => $name,
				'value' => $value,
			);
		}
	}
	return array(
		'group_id'    => PASSITON_PRIVACY_GROUP,
		'group_label' => 'Referral program',
		'item_id'     => 'passiton-' . $id,
		'data'        => $data,
	);
}

/**
 * A list in an answer, or an empty one.
 *
 * @param mixed  $data An answer's JSON object.
 * @param string $name The field.
 * @return array
 */
function passiton_list( $data, $name ) {
	return is_array( $data ) && isset( $data[ $name ] ) && is_array( $data[ $name ] ) ? array_values( array_filter( $data[ $name ], 'is_array' ) ) : array();
}

/**
 * A scalar in an answer as text ('' when missing or not a scalar).
 *
 * @param array  $data An answer's JSON object.
 * @param string $name The field.
 * @return string
 */
function passiton_text( array $data, $name ) {
	return isset( $data[ $name ] ) && is_scalar( $data[ $name ] ) && ! is_bool( $data[ $name ] ) ? (string) $data[ $name ] : '';
}
