<?php
/**
 * What the plugin sends to Passiton and what it makes of the answers.
 *
 * Plain PHP, no WordPress: tests/woocommerce/test_plugin_php.py loads this file on its own and
 * sends what it builds to Passiton's real routes. passiton.php does the HTTP with wp_remote_post.
 *
 * @package Passiton
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

const PASSITON_KINDS = array( 'reward', 'gift' );

/**
 * Hex HMAC-SHA256 over "timestamp.body" with the store's plugin key.
 *
 * Passiton recomputes it over the raw bytes it received and refuses timestamps more than five
 * minutes off, so a captured request cannot be replayed later.
 *
 * @param string $plugin_key The key shown on the merchant's Passiton account page.
 * @param string $timestamp  Unix seconds, as sent in X-Passiton-Timestamp.
 * @param string $raw        The exact body bytes.
 * @return string
 */
function passiton_signature( $plugin_key, $timestamp, $raw ) {
	return hash_hmac( 'sha256', $timestamp . '.' . $raw, $plugin_key );
}

/**
 * The request for a call to Passiton: url, body (JSON) and headers; null until configured.
 *
 * @param array  $settings  app_url, shop_id and plugin_key from the settings page.
 * @param string $path      Passiton's route, e.g. /woocommerce/plugin/customer.
 * @param array  $body      The fields to send.
 * @param int    $timestamp Unix seconds (time() when called for real).
 * @return array|null
 */
function passiton_signed_request( array $settings, $path, array $body, $timestamp ) {
	foreach ( array( 'app_url', 'shop_id', 'plugin_key' ) as $name ) {
		if ( ! isset( $settings[ $name ] ) || ! is_string( $settings[ $name ] ) || '' === $settings[ $name ] ) {
			return null;
		}
	}
	// Invalid UTF-8 (a mangled name) becomes U+FFFD instead of failing the whole call. The
	// signature covers these bytes exactly: they must be sent as they are, never re-encoded.
	$raw = json_encode( $body, JSON_INVALID_UTF8_SUBSTITUTE );
	if ( false === $raw ) {
		return null;
	}
	$stamp = (string) (int) $timestamp;
	return array(
		'url'     => rtrim( $settings['app_url'], '/' ) . $path,
		'body'    => $raw,
		'headers' => array(
			'Content-Type'         => 'application/json',
			'X-Passiton-Shop'      => $settings['shop_id'],
			'X-Passiton-Timestamp' => $stamp,
			'X-Passiton-Signature' => passiton_signature( $settings['plugin_key'], $stamp, $raw ),
		),
	);
}

/**
 * Who is asking: the logged-in WordPress user, as Passiton identifies a shopper.
 *
 * WooCommerce orders carry the same user id as `customer_id`, so the shopper Passiton enrolled
 * from their orders is found again.
 *
 * @param int    $user_id    The current user's id.
 * @param string $email      Their e-mail.
 * @param string $first_name Their first name (the start of a new referral code).
 * @param string $locale     The language the page is shown in ("de_DE"), so that Passiton writes
 *                           money and dates the same way; '' to leave it to Passiton.
 * @return array
 */
function passiton_shopper( $user_id, $email, $first_name, $locale = '' ) {
	$shopper = array(
		'customer_id' => (string) (int) $user_id,
		'email'       => (string) $email,
		'first_name'  => (string) $first_name,
	);
	if ( is_string( $locale ) && '' !== $locale ) {
		$shopper['locale'] = $locale;
	}
	return $shopper;
}

/**
 * Points typed into the redeem form: a positive whole number, or 0 when it is not one.
 *
 * @param mixed $raw The posted value.
 * @return int
 */
function passiton_points( $raw ) {
	if ( ! is_string( $raw ) ) {
		return 0;
	}
	$raw = trim( $raw );
	// Nine digits at most: beyond any balance, and far from PHP_INT_MAX.
	return preg_match( '/^[0-9]{1,9}$/D', $raw ) ? (int) $raw : 0;
}

/**
 * A fresh idempotency key, put into the redeem form when it is rendered.
 *
 * Submitting the same form twice sends the same key, and Passiton then answers with the code
 * of the first submission instead of debiting the points again.
 *
 * @return string
 */
function passiton_new_idempotency_key() {
	return 'wp-' . bin2hex( random_bytes( 16 ) );
}

/**
 * The redeem call's body, or null when the form's hidden fields are not ones the plugin wrote.
 *
 * @param array  $shopper The current user, from passiton_shopper(); never from the form.
 * @param int    $points  From passiton_points().
 * @param mixed  $kind    'reward' (a code for the shopper) or 'gift' (a code for anyone).
 * @param mixed  $key     The form's idempotency key.
 * @return array|null
 */
function passiton_redeem_body( array $shopper, $points, $kind, $key ) {
	if ( ! is_int( $points ) || $points <= 0 || ! in_array( $kind, PASSITON_KINDS, true ) ) {
		return null;
	}
	if ( ! is_string( $key ) || ! preg_match( '/^wp-[0-9a-f]{32}$/D', $key ) ) {
		return null;
	}
	return array_merge(
		$shopper,
		array(
			'points'          => $points,
			'kind'            => $kind,
			'idempotency_key' => $key,
		)
	);
}

/**
 * Passiton's answer: array( 'data' => array|null, 'error' => string ).
 *
 * `data` is the JSON object of a 200. `error` is Passiton's own message when it refused the
 * request for a reason the shopper can act on (too few points, gifts switched off); it is ''
 * for anything else (unreachable, a store misconfigured, a signature refused), which the
 * shopper cannot fix and should not be told about in detail.
 *
 * @param int|string $status The HTTP status, or '' when no answer came.
 * @param mixed      $raw    The answer's body.
 * @return array
 */
function passiton_read_answer( $status, $raw ) {
	$status = (int) $status;
	$json   = is_string( $raw ) ? json_decode( $raw, true ) : null;
	if ( 200 === $status ) {
		return array(
			'data'  => is_array( $json ) ? $json : null,
			'error' => '',
		);
	}
	$message = '';
	if ( $status >= 400 && $status < 500 && 401 !== $status && is_array( $json )
		&& isset( $json['error']['message'] ) && is_string( $json['error']['message'] ) ) {
		$message = $json['error']['message'];
	}
	return array(
		'data'  => null,
		'error' => $message,
	);
}

/**
 * What the shopper is shown after redeeming: the new code, or why there is none.
 *
 * Success: array( 'code', 'kind', 'amount', 'currency' ). Failure: array( 'error' ) with
 * Passiton's message. When there is no message, the outcome is unknown (no answer, or one the
 * shopper cannot act on): the notice then also carries the form's kind and key, so that the
 * form shown next reuses the key and a retry cannot redeem a second time if the first attempt
 * did go through. A refusal with a message used no key, so the next form gets a fresh one.
 *
 * @param array  $answer From passiton_read_answer().
 * @param string $kind   The kind that was asked for.
 * @param string $key    The idempotency key that was sent.
 * @return array
 */
function passiton_redemption_notice( array $answer, $kind, $key ) {
	$data = isset( $answer['data'] ) && is_array( $answer['data'] ) ? $answer['data'] : array();
	$code = passiton_clean_code( isset( $data['code'] ) ? $data['code'] : null );
	if ( '' !== $code ) {
		return array(
			'code'     => $code,
			'kind'     => passiton_kind( $data ),
			'amount'   => passiton_money( $data, 'amount' ),
			'currency' => passiton_currency( $data ),
		);
	}
	$error = isset( $answer['error'] ) && is_string( $answer['error'] ) ? $answer['error'] : '';
	if ( '' !== $error ) {
		return array( 'error' => $error );
	}
	return array(
		'error'     => '',
		'kind'      => $kind,
		'retry_key' => $key,
	);
}

/**
 * The "Refer a friend" tab's content, from Passiton's answer to /woocommerce/plugin/customer.
 *
 * Every field is checked here, so the tab renders only strings and integers. A Passiton too old
 * to say how redemption works answers without those fields: then the tab shows no form.
 *
 * @param array $data The answer's JSON object.
 * @return array|null Null when the answer has no usable link.
 */
function passiton_referral_view( array $data ) {
	$link = isset( $data['link'] ) && is_string( $data['link'] ) ? $data['link'] : '';
	if ( ! preg_match( '#^https?://[^\s"<>]+$#D', $link ) ) {
		return null;
	}
	$available = passiton_count( $data, 'points_available' );
	$minimum   = max( 1, passiton_count( $data, 'min_redemption_points' ) );
	$rate      = passiton_count( $data, 'points_per_currency_unit' );
	$open      = isset( $data['program_enabled'] ) && true === $data['program_enabled'] && $rate > 0;
	$rewards   = array();
	foreach ( isset( $data['rewards'] ) && is_array( $data['rewards'] ) ? $data['rewards'] : array() as $reward ) {
		$code = is_array( $reward ) ? passiton_clean_code( isset( $reward['code'] ) ? $reward['code'] : null ) : '';
		if ( '' !== $code ) {
			$rewards[] = array(
				'code'        => $code,
				'kind'        => passiton_kind( $reward ),
				'amount'      => passiton_money( $reward, 'amount' ),
				'amount_text' => passiton_money_text( $reward, 'amount_text' ),
			);
		}
	}
	return array(
		'link'                     => $link,
		'points_available'         => $available,
		'points_pending'           => passiton_count( $data, 'points_pending' ),
		'available_value'          => passiton_money( $data, 'available_value' ),
		'currency'                 => passiton_currency( $data ),
		'program_open'             => $open,
		'min_redemption_points'    => $minimum,
		'points_per_currency_unit' => $rate,
		// Forms are offered only when Passiton would take them: open, and enough points.
		'can_redeem'               => $open && $available >= $minimum,
		'gifts_enabled'            => $open && isset( $data['gifts_enabled'] ) && true === $data['gifts_enabled'],
		'rewards'                  => $rewards,
		// The friend's discount as Passiton wrote it in the page's language ("15%", "10,00 €").
		'friend_offer'             => passiton_money_text( $data, 'friend_offer' ),
	);
}

/**
 * A count of points in an answer: a non-negative integer, else 0.
 *
 * @param array  $data An answer's JSON object.
 * @param string $name The field.
 * @return int
 */
function passiton_count( array $data, $name ) {
	return isset( $data[ $name ] ) && is_int( $data[ $name ] ) && $data[ $name ] >= 0 ? $data[ $name ] : 0;
}

/**
 * An amount of money in an answer: a decimal string such as "5.00", else ''.
 *
 * @param array  $data An answer's JSON object.
 * @param string $name The field.
 * @return string
 */
function passiton_money( array $data, $name ) {
	$raw = isset( $data[ $name ] ) && is_string( $data[ $name ] ) ? $data[ $name ] : '';
	return preg_match( '/^[0-9]{1,12}(\.[0-9]{1,4})?$/D', $raw ) ? $raw : '';
}

/**
 * Money as Passiton wrote it in the page's language ("5,00 €"), else '': short plain text only.
 *
 * @param array  $data An answer's JSON object.
 * @param string $name The field.
 * @return string
 */
function passiton_money_text( array $data, $name ) {
	$raw = isset( $data[ $name ] ) && is_string( $data[ $name ] ) ? $data[ $name ] : '';
	return 1 === preg_match( '/^[^<>&"\'\p{Cc}]{1,40}$/Du', $raw ) ? $raw : '';
}

/**
 * The ISO currency code in an answer, else ''.
 *
 * @param array $data An answer's JSON object.
 * @return string
 */
function passiton_currency( array $data ) {
	$raw = isset( $data['currency'] ) && is_string( $data['currency'] ) ? $data['currency'] : '';
	return preg_match( '/^[A-Z]{3}$/D', $raw ) ? $raw : '';
}

/**
 * A code's kind in an answer: 'gift', or 'reward' for anything else.
 *
 * @param array $data An answer's JSON object (a code).
 * @return string
 */
function passiton_kind( array $data ) {
	return isset( $data['kind'] ) && 'gift' === $data['kind'] ? 'gift' : 'reward';
}
