<?php
/**
 * Referral and coupon codes as they arrive in URLs and answers.
 *
 * Plain PHP, no WordPress: tests/woocommerce/test_plugin_php.py loads this file on its own.
 *
 * @package Passiton
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * A referral or coupon code in Passiton's canonical form (upper case), or '' when it is not one.
 *
 * Passiton makes codes from letters, digits and dashes (`ANNA-7K2Q`, `PI-7K2QX-M3B9C`) and
 * compares them case-insensitively, since WooCommerce stores coupon codes lower-cased. The
 * shape is the one `looks_like_code` checks in passiton/core/codes.py; the trimmed characters
 * are the ASCII whitespace Python's str.strip() removes, so both sides agree on every
 * ASCII input.
 *
 * @param mixed $raw A query-string value, cookie or field of an answer.
 * @return string
 */
function passiton_clean_code( $raw ) {
	if ( ! is_string( $raw ) ) {
		return '';
	}
	$code = strtoupper( trim( $raw, " \t\n\r\x0B\x0C\x1C\x1D\x1E\x1F" ) );
	return preg_match( '/^[A-Z0-9][A-Z0-9-]{2,40}$/D', $code ) ? $code : '';
}
