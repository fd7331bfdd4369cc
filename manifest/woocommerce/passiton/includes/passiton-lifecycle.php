<?php
/**
 * Activation, deactivation and translations.
 *
 * @package Passiton
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * On activation: write the rewrite rules for the "Refer a friend" tab now, so it does not 404
 * until the merchant happens to save Settings → Permalinks.
 *
 * WordPress activates a plugin in a request where `init` has already run, so the endpoint this
 * plugin adds on `init` is not registered yet: it is added here before the flush.
 */
function passiton_activate() {
	passiton_add_account_endpoint();
	flush_rewrite_rules();
}

/**
 * On deactivation: forget the rewrite rules, so the tab's rule goes with the plugin.
 *
 * The plugin is still loaded in this request and its endpoint still registered, so flushing
 * here would write the rule straight back. With the stored rules deleted, WordPress rebuilds
 * them on the next request, without this plugin (WP_Rewrite::wp_rewrite_rules() regenerates
 * them when the rewrite_rules option is empty).
 */
function passiton_deactivate() {
	delete_option( 'rewrite_rules' );
}

/**
 * The plugin's translations, from its own languages/ folder.
 *
 * On `init`, not earlier: WordPress 6.7 and later warn when a text domain is loaded before it.
 */
function passiton_load_textdomain() {
	load_plugin_textdomain( 'passiton', false, dirname( plugin_basename( PASSITON_FILE ) ) . '/languages' );
}

add_action( 'init', 'passiton_load_textdomain' );
