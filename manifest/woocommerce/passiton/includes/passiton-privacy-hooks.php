<?php
/**
 * Registers Passiton with WordPress's personal-data exporters and erasers.
 *
 * Tools → Export Personal Data / Erase Personal Data then reach Passiton too: a shopper's
 * request on the store covers what the referral program holds about them.
 *
 * @package Passiton
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

require_once __DIR__ . '/passiton-privacy.php';

add_filter(
	'wp_privacy_personal_data_exporters',
	function ( $exporters ) {
		$exporters['passiton'] = array(
			'exporter_friendly_name' => __( 'Passiton referral program', 'passiton' ),
			'callback'               => 'passiton_privacy_exporter',
		);
		return $exporters;
	}
);

add_filter(
	'wp_privacy_personal_data_erasers',
	function ( $erasers ) {
		$erasers['passiton'] = array(
			'eraser_friendly_name' => __( 'Passiton referral program', 'passiton' ),
			'callback'             => 'passiton_privacy_eraser',
		);
		return $erasers;
	}
);

/**
 * The exporter: everything Passiton holds about the address, in one page.
 *
 * @param string $email The address of the request.
 * @param int    $page  WordPress's page number (Passiton answers everything on page 1).
 * @return array|WP_Error
 */
function passiton_privacy_exporter( $email, $page = 1 ) {
	$result = passiton_exporter_result(
		passiton_call( '/woocommerce/plugin/privacy/export', passiton_privacy_user_body( $email ) )
	);
	// An error, not an empty export: the request must not be marked complete without us.
	return null === $result ? new WP_Error( 'passiton_unreachable', __( 'Passiton could not be reached. Please try again.', 'passiton' ) ) : $result;
}

/**
 * The eraser: Passiton erases the address's personal data and keeps the amounts.
 *
 * @param string $email The address of the request.
 * @param int    $page  WordPress's page number (one call erases everything).
 * @return array|WP_Error
 */
function passiton_privacy_eraser( $email, $page = 1 ) {
	$result = passiton_eraser_result(
		passiton_call( '/woocommerce/plugin/privacy/erase', passiton_privacy_user_body( $email ) )
	);
	return null === $result ? new WP_Error( 'passiton_unreachable', __( 'Passiton could not be reached. Please try again.', 'passiton' ) ) : $result;
}

/**
 * The body for the address, with the id of the store account that has it (orders carry it).
 *
 * @param string $email The address of the request.
 * @return array
 */
function passiton_privacy_user_body( $email ) {
	$user = get_user_by( 'email', $email );
	return passiton_privacy_body( $email, $user ? $user->ID : 0 );
}
