<?php
/**
 * Just enough of WordPress and WooCommerce to load passiton.php and run one request through it.
 *
 * The request (the logged-in user, $_POST, the settings and the transients kept from earlier
 * requests) comes from tests/woocommerce/php/account_tab.php. wp_remote_post() really posts
 * over HTTP, so the plugin talks to a Passiton the test serves. Everything the plugin does
 * that the test checks (redirects, transients, calls to Passiton) is recorded in $GLOBALS['wp'].
 *
 * @package Passiton
 */

define( 'ABSPATH', __DIR__ . '/' );
define( 'EP_ROOT', 64 );
define( 'EP_PAGES', 4096 );
define( 'DAY_IN_SECONDS', 86400 );
define( 'MINUTE_IN_SECONDS', 60 );
define( 'COOKIEPATH', '/' );
define( 'COOKIE_DOMAIN', '' );

const FAKE_SHOP_URL = 'https://shop.example';

/** What a WordPress HTTP call answers when no answer came. */
class WP_Error {
}

function add_action( $hook, $callback, $priority = 10 ) {
	$GLOBALS['wp']['hooks'][ $hook ][ $priority ][] = $callback;
}

function add_filter( $hook, $callback, $priority = 10 ) {
	add_action( $hook, $callback, $priority );
}

function do_action( $hook, ...$args ) {
	$by_priority = isset( $GLOBALS['wp']['hooks'][ $hook ] ) ? $GLOBALS['wp']['hooks'][ $hook ] : array();
	ksort( $by_priority );
	$GLOBALS['wp']['doing'][] = $hook;
	foreach ( $by_priority as $callbacks ) {
		foreach ( $callbacks as $callback ) {
			call_user_func_array( $callback, $args );
		}
	}
	array_pop( $GLOBALS['wp']['doing'] );
	$GLOBALS['wp']['fired'][] = $hook;
}

function doing_action( $hook ) {
	return isset( $GLOBALS['wp']['doing'] ) && in_array( $hook, $GLOBALS['wp']['doing'], true );
}

/** As WordPress's: the hook is named after the plugin's basename, e.g. activate_passiton/passiton.php. */
function register_activation_hook( $file, $callback ) {
	add_action( 'activate_' . plugin_basename( $file ), $callback );
}

function register_deactivation_hook( $file, $callback ) {
	add_action( 'deactivate_' . plugin_basename( $file ), $callback );
}

function apply_filters( $hook, $value, ...$args ) {
	$by_priority = isset( $GLOBALS['wp']['hooks'][ $hook ] ) ? $GLOBALS['wp']['hooks'][ $hook ] : array();
	ksort( $by_priority );
	foreach ( $by_priority as $callbacks ) {
		foreach ( $callbacks as $callback ) {
			$value = call_user_func_array( $callback, array_merge( array( $value ), $args ) );
		}
	}
	return $value;
}

/** Shortcodes are kept by tag; fake_do_shortcode() renders one as do_shortcode() would. */
function add_shortcode( $tag, $callback ) {
	$GLOBALS['wp']['shortcodes'][ $tag ] = $callback;
}

function fake_do_shortcode( $tag ) {
	return call_user_func( $GLOBALS['wp']['shortcodes'][ $tag ], array(), '', $tag );
}

/**
 * register_block_type( $block_json_dir, $args ): the block's name is read from its block.json,
 * as WordPress does, and the folder must hold one.
 */
function register_block_type( $path, $args = array() ) {
	$json = json_decode( (string) file_get_contents( $path . '/block.json' ), true, 512, JSON_THROW_ON_ERROR );
	$GLOBALS['wp']['blocks'][ $json['name'] ] = array_merge( $json, $args );
	return true;
}

function wp_enqueue_script( $handle, $src = '', $deps = array(), $ver = false, $in_footer = false ) {
	$GLOBALS['wp']['scripts'][ $handle ] = $src;
}

function plugins_url( $path, $plugin ) {
	return FAKE_SHOP_URL . '/wp-content/plugins/passiton/' . $path;
}

function get_bloginfo( $show ) {
	return 'name' === $show ? 'Ring & Co' : '';
}

function get_query_var( $name ) {
	return isset( $GLOBALS['wp']['query_vars'][ $name ] ) ? $GLOBALS['wp']['query_vars'][ $name ] : '';
}

function absint( $value ) {
	return abs( (int) $value );
}

function is_admin() {
	return false;
}

function wc_clean( $value ) {
	return is_string( $value ) ? trim( strip_tags( $value ) ) : '';
}

function wp_strip_all_tags( $text ) {
	return trim( strip_tags( (string) $text ) );
}

function esc_attr__( $text, $domain = 'default' ) {
	return esc_attr( __( $text, $domain ) );
}

function esc_url_raw( $url ) {
	return preg_match( '#^https?://#i', (string) $url ) ? (string) $url : '';
}

function add_rewrite_endpoint( $name, $places ) {
	$GLOBALS['wp']['endpoints'][] = $name;
}

/**
 * The rules for the endpoints registered in this request, as WP_Rewrite rebuilds them for the
 * rewrite_rules option; each endpoint's rule is keyed by its own regex.
 */
function fake_build_rewrite_rules() {
	$rules = array();
	foreach ( isset( $GLOBALS['wp']['endpoints'] ) ? $GLOBALS['wp']['endpoints'] : array() as $name ) {
		$rules[ '(.?.+?)/' . $name . '(/(.*))?/?$' ] = 'index.php?pagename=$matches[1]&' . $name . '=$matches[3]';
	}
	return $rules;
}

/** WP_Rewrite::flush_rules(): the stored rules are rebuilt from what is registered now. */
function flush_rewrite_rules( $hard = true ) {
	$GLOBALS['wp']['flushes'][]                = $hard;
	$GLOBALS['wp']['options']['rewrite_rules'] = fake_build_rewrite_rules();
}

/** What a front-end request routes with: WP_Rewrite::wp_rewrite_rules() rebuilds missing rules. */
function fake_rewrite_rules() {
	if ( empty( $GLOBALS['wp']['options']['rewrite_rules'] ) ) {
		$GLOBALS['wp']['options']['rewrite_rules'] = fake_build_rewrite_rules();
	}
	return $GLOBALS['wp']['options']['rewrite_rules'];
}

function load_plugin_textdomain( $domain, $deprecated = false, $plugin_rel_path = false ) {
	$GLOBALS['wp']['textdomains'][] = array( $domain, $plugin_rel_path );
	return true;
}

function plugin_basename( $file ) {
	return 'passiton/' . basename( $file );
}

function __( $text, $domain = 'default' ) {
	return $text;
}

function esc_html( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' );
}

function esc_attr( $text ) {
	return esc_html( $text );
}

function esc_html__( $text, $domain = 'default' ) {
	return esc_html( __( $text, $domain ) );
}

/** WordPress's esc_url keeps URLs of the allowed protocols (encoded for HTML) and drops others. */
function esc_url( $url, $protocols = array( 'http', 'https' ) ) {
	$scheme = strtolower( (string) strtok( (string) $url, ':' ) );
	return in_array( $scheme, $protocols, true ) ? esc_html( $url ) : '';
}

function number_format_i18n( $number ) {
	return number_format( $number );
}

function wp_unslash( $value ) {
	return is_array( $value ) ? array_map( 'wp_unslash', $value ) : stripslashes( (string) $value );
}

function sanitize_key( $key ) {
	return preg_replace( '/[^a-z0-9_\-]/', '', strtolower( (string) $key ) );
}

function get_option( $name, $default = false ) {
	return isset( $GLOBALS['wp']['options'][ $name ] ) ? $GLOBALS['wp']['options'][ $name ] : $default;
}

function update_option( $name, $value ) {
	$GLOBALS['wp']['options'][ $name ] = $value;
	return true;
}

function delete_option( $name ) {
	unset( $GLOBALS['wp']['options'][ $name ] );
	return true;
}

/** The locale this request is rendered in (WordPress 5.0+): the site's, or a language plugin's. */
function determine_locale() {
	return isset( $GLOBALS['wp']['locale'] ) ? $GLOBALS['wp']['locale'] : 'en_US';
}

function is_ssl() {
	return true;
}

function wp_parse_args( $args, $defaults ) {
	return array_merge( $defaults, (array) $args );
}

function wp_get_current_user() {
	return (object) $GLOBALS['wp']['user'];
}

function get_current_user_id() {
	return (int) $GLOBALS['wp']['user']['ID'];
}

/** Nonces are bound to the action and the user, as WordPress's are. */
function wp_create_nonce( $action ) {
	return substr( hash_hmac( 'sha256', $action . '|' . get_current_user_id(), 'fake-nonce-salt' ), 0, 10 );
}

function wp_verify_nonce( $nonce, $action ) {
	return hash_equals( wp_create_nonce( $action ), (string) $nonce ) ? 1 : false;
}

function get_transient( $name ) {
	return isset( $GLOBALS['wp']['transients'][ $name ] ) ? $GLOBALS['wp']['transients'][ $name ] : false;
}

function set_transient( $name, $value, $expiration ) {
	$GLOBALS['wp']['transients'][ $name ] = $value;
	return true;
}

function delete_transient( $name ) {
	unset( $GLOBALS['wp']['transients'][ $name ] );
	return true;
}

function wc_get_page_permalink( $page ) {
	return FAKE_SHOP_URL . '/my-account/';
}

function wc_get_account_endpoint_url( $endpoint ) {
	return FAKE_SHOP_URL . '/my-account/' . $endpoint . '/';
}

function wc_nocache_headers() {
	$GLOBALS['wp']['nocache'] = true;
}

function wp_safe_redirect( $location, $status = 302 ) {
	$GLOBALS['wp']['redirect'] = array(
		'location' => $location,
		'status'   => $status,
	);
	return true;
}

function is_wp_error( $thing ) {
	return $thing instanceof WP_Error;
}

/** A real HTTP POST, recorded; a failed connection is a WP_Error, as in WordPress. */
function wp_remote_post( $url, $args = array() ) {
	$headers = '';
	foreach ( $args['headers'] as $name => $value ) {
		$headers .= $name . ': ' . $value . "\r\n";
	}
	$context = stream_context_create(
		array(
			'http' => array(
				'method'        => 'POST',
				'header'        => $headers,
				'content'       => $args['body'],
				'timeout'       => $args['timeout'],
				'ignore_errors' => true,
			),
		)
	);
	$body    = @file_get_contents( $url, false, $context ); // phpcs:ignore WordPress.PHP.NoSilencedErrors -- a refused connection is an answer here.
	$status  = isset( $http_response_header[0] ) && preg_match( '#^HTTP/\S+ (\d{3})#', $http_response_header[0], $m ) ? (int) $m[1] : 0;
	$GLOBALS['wp']['calls'][] = array(
		'url'    => $url,
		'body'   => $args['body'],
		'status' => $status,
	);
	if ( false === $body || 0 === $status ) {
		return new WP_Error();
	}
	return array(
		'response' => array( 'code' => $status ),
		'body'     => $body,
	);
}

function wp_remote_retrieve_response_code( $response ) {
	return $response['response']['code'];
}

function wp_remote_retrieve_body( $response ) {
	return $response['body'];
}

/** The store's accounts are the one user of the request (by e-mail, as the privacy tools ask). */
function get_user_by( $field, $value ) {
	$user = isset( $GLOBALS['wp']['user'] ) ? $GLOBALS['wp']['user'] : null;
	if ( 'email' !== $field || null === $user || strtolower( $user['user_email'] ) !== strtolower( $value ) ) {
		return false;
	}
	return (object) $user;
}
