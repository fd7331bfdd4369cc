<?php
/**
 * The "Refer a friend" panel every storefront surface shows: the thank-you page, the shortcode,
 * the block and the launcher. The link, the friend's offer, share buttons and, when the store
 * offers gift codes, the gift option; all from Passiton's answer, checked by
 * passiton_referral_view().
 *
 * @package Passiton
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The panel's HTML.
 *
 * @param array $view From passiton_referral_view().
 * @param bool  $account Whether the shopper has an account (and so the My Account tab).
 * @return string
 */
function passiton_panel_html( array $view, $account ) {
	passiton_enqueue_share_script();
	$offer   = $view['friend_offer'];
	static $panels = 0;
	++$panels;
	// A page can show several panels (the thank-you block and the launcher): ids stay unique.
	$id      = 'passiton-link-' . $panels;
	$shop    = get_bloginfo( 'name' );
	$subject = '' !== $offer
		/* translators: 1: the friend's discount ("15%"), 2: the store's name */
		? sprintf( __( '%1$s off at %2$s', 'passiton' ), $offer, $shop )
		/* translators: %s: the store's name */
		: sprintf( __( 'A discount at %s', 'passiton' ), $shop );
	$message = '' !== $offer
		/* translators: 1: the friend's discount ("15%"), 2: the store's name */
		? sprintf( __( 'I shop at %2$s and thought of you: here is %1$s off your first order.', 'passiton' ), $offer, $shop )
		/* translators: %s: the store's name */
		: sprintf( __( 'I shop at %s and thought of you: here is a discount on your first order.', 'passiton' ), $shop );
	$links   = passiton_share_links( $view['link'], $subject, $message );

	$html  = '<section class="passiton-refer" data-passiton-panel>';
	$html .= '<h2>' . esc_html__( 'Refer a friend', 'passiton' ) . '</h2>';
	$html .= '<p class="passiton-offer">' . esc_html(
		'' !== $offer
			/* translators: %s: the friend's discount ("15%", "10,00 €") */
			? sprintf( __( 'Give your friends %s off their first order with your personal link.', 'passiton' ), $offer )
			: __( 'Give your friends a discount on their first order with your personal link.', 'passiton' )
	) . '</p>';
	$html .= sprintf(
		'<p class="passiton-link"><label for="%1$s">%2$s</label> <input id="%1$s" type="text" readonly value="%3$s"> <button type="button" class="button" data-passiton-copy="%1$s">%4$s</button> <span role="status" aria-live="polite" data-passiton-copied data-text="%5$s"></span></p>',
		esc_attr( $id ),
		esc_html__( 'Your link', 'passiton' ),
		esc_attr( $view['link'] ),
		esc_html__( 'Copy link', 'passiton' ),
		esc_attr__( 'Copied', 'passiton' )
	);
	$html .= '<p class="passiton-share">';
	// Shown by the script only where the browser has the Web Share API (navigator.share). An
	// inline style, not the hidden attribute: themes style .button with a display that wins
	// over the hidden attribute's.
	$html .= sprintf(
		'<button type="button" class="button" data-passiton-share data-url="%1$s" data-text="%2$s" style="display:none">%3$s</button> ',
		esc_attr( $view['link'] ),
		esc_attr( $message ),
		esc_html__( 'Share…', 'passiton' )
	);
	$names = array(
		'email'    => __( 'E-mail', 'passiton' ),
		'whatsapp' => __( 'WhatsApp', 'passiton' ),
		'sms'      => __( 'SMS', 'passiton' ),
	);
	foreach ( $names as $channel => $name ) {
		$html .= sprintf(
			'<a class="button passiton-share-%1$s" href="%2$s" target="_blank" rel="noopener noreferrer">%3$s</a> ',
			esc_attr( $channel ),
			esc_url( $links[ $channel ], array( 'mailto', 'https', 'sms' ) ),
			esc_html( $name )
		);
	}
	$html .= '</p>';
	if ( $view['gifts_enabled'] ) {
		$html .= '<p class="passiton-gift">' . esc_html__( 'The points you earn when friends order can become a gift code for anyone you choose.', 'passiton' );
		if ( $account ) {
			$html .= ' <a href="' . esc_url( wc_get_account_endpoint_url( PASSITON_ENDPOINT ) ) . '">' . esc_html__( 'Give your points as a gift', 'passiton' ) . '</a>';
		}
		$html .= '</p>';
	}
	return $html . '</section>';
}

/** The copy and native-share buttons' script, in the footer of any page that shows a panel. */
function passiton_enqueue_share_script() {
	wp_enqueue_script( 'passiton-share', plugins_url( 'assets/passiton-share.js', PASSITON_FILE ), array(), PASSITON_VERSION, true );
}
