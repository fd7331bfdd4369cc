<?php
/**
 * A store's REST API with the companion plugin loaded, for `php -S` (router script).
 *
 * Serves the routes the plugin registers on rest_api_init, as WordPress's REST server does:
 * the permission callback first (false → 401 rest_forbidden), then the callback; an unknown
 * route is 404 rest_no_route. The plugin's settings and the woocommerce_api_keys rows live in
 * the JSON file named by PASSITON_FAKE_STORE_STATE, so the test reads what a request changed.
 *
 * @package Passiton
 */

require __DIR__ . '/fake_wordpress.php';

$state_file = (string) getenv( 'PASSITON_FAKE_STORE_STATE' );
$state      = json_decode( (string) file_get_contents( $state_file ), true, 512, JSON_THROW_ON_ERROR );

$GLOBALS['wp'] = array(
	'hooks'   => array(),
	'options' => $state['options'],
	'routes'  => array(),
);

/** The parts of WP_REST_Request the plugin reads; headers normalised as WordPress does. */
class WP_REST_Request {
	/** @var array<string, string> */
	private $headers = array();
	/** @var string */
	private $body;

	public function __construct( array $server, $body ) {
		foreach ( $server as $name => $value ) {
			if ( 0 === strpos( $name, 'HTTP_' ) ) {
				$this->headers[ strtolower( substr( $name, 5 ) ) ] = (string) $value;
			}
		}
		$this->body = $body;
	}

	public function get_header( $key ) {
		$key = str_replace( '-', '_', strtolower( $key ) );
		return isset( $this->headers[ $key ] ) ? $this->headers[ $key ] : null;
	}

	public function get_body() {
		return $this->body;
	}
}

/** A route's answer: data and status. */
class WP_REST_Response {
	/** @var mixed */
	public $data;
	/** @var int */
	public $status;

	public function __construct( $data = null, $status = 200 ) {
		$this->data   = $data;
		$this->status = $status;
	}
}

function register_rest_route( $route_namespace, $route, $args ) {
	$GLOBALS['wp']['routes'][ '/' . $route_namespace . $route ] = $args;
	return true;
}

/** Just the queries the plugin makes on woocommerce_api_keys, on the rows in the state file. */
class Fake_WPDB {
	/** @var string */
	public $prefix = 'wp_';
	/** @var array<string, string> key_id => description */
	public $api_keys;

	public function __construct( array $api_keys ) {
		$this->api_keys = $api_keys;
	}

	public function prepare( $query, ...$args ) {
		return vsprintf( $query, array_map( 'intval', $args ) );
	}

	public function get_var( $query ) {
		if ( ! preg_match( '/^SELECT description FROM wp_woocommerce_api_keys WHERE key_id = (\d+)$/', $query, $m ) ) {
			throw new RuntimeException( "unexpected query: $query" );
		}
		return isset( $this->api_keys[ $m[1] ] ) ? $this->api_keys[ $m[1] ] : null;
	}

	public function delete( $table, array $where, array $format ) {
		if ( 'wp_woocommerce_api_keys' !== $table || array( 'key_id' ) !== array_keys( $where ) || array( '%d' ) !== $format ) {
			throw new RuntimeException( "unexpected delete from $table" );
		}
		$id      = (string) (int) $where['key_id'];
		$deleted = isset( $this->api_keys[ $id ] ) ? 1 : 0;
		unset( $this->api_keys[ $id ] );
		return $deleted;
	}
}

$GLOBALS['wpdb'] = new Fake_WPDB( $state['api_keys'] );

require dirname( __DIR__, 3 ) . '/manifest/woocommerce/passiton/passiton.php';
do_action( 'rest_api_init' );

$path  = (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH );
$route = 0 === strpos( $path, '/wp-json' ) ? substr( $path, strlen( '/wp-json' ) ) : '';
$args  = isset( $GLOBALS['wp']['routes'][ $route ] ) ? $GLOBALS['wp']['routes'][ $route ] : null;
if ( null === $args || $args['methods'] !== $_SERVER['REQUEST_METHOD'] ) {
	$answer = new WP_REST_Response( array( 'code' => 'rest_no_route', 'message' => 'No route was found matching the URL and request method.' ), 404 );
} else {
	$request = new WP_REST_Request( $_SERVER, (string) file_get_contents( 'php://input' ) );
	if ( true !== call_user_func( $args['permission_callback'], $request ) ) {
		$answer = new WP_REST_Response( array( 'code' => 'rest_forbidden', 'message' => 'Sorry, you are not allowed to do that.' ), 401 );
	} else {
		$answer = call_user_func( $args['callback'], $request );
	}
}

$state['api_keys'] = (object) $GLOBALS['wpdb']->api_keys;
file_put_contents( $state_file, json_encode( $state, JSON_THROW_ON_ERROR ) );
http_response_code( $answer->status );
header( 'Content-Type: application/json; charset=UTF-8' );
echo json_encode( $answer->data, JSON_THROW_ON_ERROR );
