<?php
/**
 * What the plugin tells WooCommerce it works with, so WooCommerce neither warns the merchant
 * nor blocks switching on its order tables or the cart and checkout blocks.
 *
 * @package Passiton
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Declare compatibility with HPOS ('custom_order_tables') and the cart and checkout blocks.
 *
 * FeaturesUtil::declare_compatibility( $feature_id, $plugin_file, $positive_compatibility )
 * (src/Utilities/FeaturesUtil.php) must be called from a before_woocommerce_init handler, with
 * the main plugin file; WooCommerce::init() (includes/class-woocommerce.php) fires that hook.
 * Orders are only touched through WC_Order (update_meta_data, saved by WooCommerce), which
 * works on either order storage; the checkout block is handled in passiton-checkout.php.
 */
function passiton_declare_woocommerce_compatibility() {
	if ( ! class_exists( \Automattic\WooCommerce\Utilities\FeaturesUtil::class ) ) {
		return;
	}
	\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'custom_order_tables', PASSITON_FILE, true );
	\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'cart_checkout_blocks', PASSITON_FILE, true );
}

add_action( 'before_woocommerce_init', 'passiton_declare_woocommerce_compatibility' );
