<?php
/**
 * Just enough of WooCommerce for the plugin's cart and checkout hooks, on fake_wordpress.php.
 *
 * Each piece fires its hooks in the order, with the arguments, and around the saves that
 * WooCommerce's own source does (plugins/woocommerce/ in woocommerce/woocommerce); the file and
 * method are named on each. Orders are kept as the REST API and webhooks show them
 * ($GLOBALS['wp']['orders']), with only what was there when the order was last saved.
 *
 * @package Passiton
 */

namespace Automattic\WooCommerce\Utilities {

	/** src/Utilities/FeaturesUtil.php: declarations count only inside before_woocommerce_init. */
	class FeaturesUtil {
		public static function declare_compatibility( string $feature_id, string $plugin_file, bool $positive_compatibility = true ): bool {
			if ( ! doing_action( 'before_woocommerce_init' ) ) {
				$GLOBALS['wp']['misplaced_declarations'][] = $feature_id;
				return false;
			}
			$GLOBALS['wp']['declarations'][] = array( $feature_id, $plugin_file, $positive_compatibility );
			return true;
		}
	}
}

namespace {

	/** WC_Order, through the data store: meta changes reach the stored order only on save(). */
	class WC_Order {
		private $id = 0;
		private $status;
		private $meta = array();
		private $coupons;
		private $buyer = array(
			'customer_id' => 0,
			'email'       => '',
			'first_name'  => '',
			'order_key'   => '',
			'created'     => null,
		);

		public function __construct( $status, array $coupons ) {
			$this->status  = $status;
			$this->coupons = $coupons;
		}

		/** An order already placed: id, buyer, key and creation time (WC_DateTime is a DateTime). */
		public static function fake_placed( array $order ) {
			$placed                       = new WC_Order( $order['status'], array() );
			$placed->id                   = $order['id'];
			$placed->buyer                = array(
				'customer_id' => $order['customer_id'],
				'email'       => $order['email'],
				'first_name'  => $order['first_name'],
				'order_key'   => $order['order_key'],
				'created'     => new DateTime( '@' . ( time() - $order['placed_seconds_ago'] ) ),
			);
			$placed->meta['_passiton_locale'] = $order['locale'];
			return $placed;
		}

		public function get_status() {
			return $this->status;
		}

		/** WC_Order::get_customer_id() and get_user_id(): 0 for a guest. */
		public function get_customer_id() {
			return (int) $this->buyer['customer_id'];
		}

		public function get_billing_email() {
			return $this->buyer['email'];
		}

		public function get_billing_first_name() {
			return $this->buyer['first_name'];
		}

		public function get_date_created() {
			return $this->buyer['created'];
		}

		/** WC_Abstract_Order::key_is_valid(): hash_equals with the order's key. */
		public function key_is_valid( $key ) {
			return hash_equals( $this->buyer['order_key'], $key );
		}

		public function get_id() {
			return $this->id;
		}

		public function set_status( $status ) {
			$this->status = $status;
		}

		public function update_meta_data( $key, $value ) {
			$this->meta[ $key ] = $value;
		}

		public function get_meta( $key ) {
			return isset( $this->meta[ $key ] ) ? $this->meta[ $key ] : '';
		}

		public function save() {
			if ( 0 === $this->id ) {
				$this->id = 100 + count( isset( $GLOBALS['wp']['orders'] ) ? $GLOBALS['wp']['orders'] : array() );
			}
			$meta = array();
			foreach ( $this->meta as $key => $value ) {
				$meta[] = array(
					'id'    => 9000 + count( $meta ),
					'key'   => $key,
					'value' => $value,
				);
			}
			$lines = array();
			foreach ( $this->coupons as $code ) {
				$lines[] = array(
					'id'   => 8000 + count( $lines ),
					'code' => $code,
				);
			}
			$GLOBALS['wp']['orders'][ $this->id ] = array(
				'id'           => $this->id,
				'status'       => $this->status,
				'meta_data'    => $meta,
				'coupon_lines' => $lines,
			);
			return $this->id;
		}
	}

	/** WP_REST_Request, as the Store API hands it to its hooks. */
	class WP_REST_Request {
		private $params;

		public function __construct( array $params ) {
			$this->params = $params;
		}

		public function get_method() {
			return 'POST';
		}

		public function get_param( $key ) {
			return isset( $this->params[ $key ] ) ? $this->params[ $key ] : null;
		}
	}

	/** WC_Session_Handler: what the shopper's session cookie points at. */
	class Fake_WC_Session {
		public $data = array();

		public function get( $key, $default = null ) {
			return isset( $this->data[ $key ] ) ? $this->data[ $key ] : $default;
		}

		public function set( $key, $value ) {
			$this->data[ $key ] = $value;
		}

		public function has_session() {
			return ! empty( $this->data );
		}

		public function set_customer_session_cookie( $set ) {
			$this->data['_started'] = true;
		}
	}

	/** WC_Cart: items, and coupons applied only when the store has them. */
	class Fake_WC_Cart {
		public $cart_contents   = array();
		public $applied_coupons = array();

		public function is_empty() {
			return 0 === count( $this->cart_contents );
		}

		/** Coupon codes are compared as wc_format_coupon_code() leaves them: lower-cased. */
		public function has_discount( $code ) {
			return in_array( strtolower( $code ), $this->applied_coupons, true );
		}

		public function apply_coupon( $code ) {
			$code = strtolower( $code );
			if ( ! in_array( $code, $GLOBALS['wp']['coupons'], true ) || $this->has_discount( $code ) ) {
				return false;
			}
			$this->applied_coupons[] = $code;
			return true;
		}

		/** Both WC_Cart::add_to_cart() and the Store API's CartController::add_to_cart() end so. */
		public function put( $product_id, $quantity ) {
			$cart_id                         = md5( (string) $product_id );
			$this->cart_contents[ $cart_id ] = array(
				'product_id' => $product_id,
				'quantity'   => $quantity,
			);
			do_action( 'woocommerce_add_to_cart', $cart_id, $product_id, $quantity, 0, array(), array() );
		}
	}

	/** WooCommerce's main object, as WC() returns it. */
	class Fake_WooCommerce {
		public $cart;
		public $session;

		public function __construct() {
			$this->cart    = new Fake_WC_Cart();
			$this->session = new Fake_WC_Session();
		}
	}

	/** wc_get_order(): the placed orders of the request, false for any other id. */
	function wc_get_order( $order_id ) {
		$orders = isset( $GLOBALS['wp']['placed'] ) ? $GLOBALS['wp']['placed'] : array();
		return isset( $orders[ $order_id ] ) ? $orders[ $order_id ] : false;
	}

	/** A WC_Email as the e-mail templates hand it to their hooks: its id names it. */
	class Fake_WC_Email {
		public $id;

		public function __construct( $id ) {
			$this->id = $id;
		}
	}

	function WC() {
		if ( ! isset( $GLOBALS['wp']['woocommerce'] ) ) {
			$GLOBALS['wp']['woocommerce'] = new Fake_WooCommerce();
		}
		return $GLOBALS['wp']['woocommerce'];
	}

	/**
	 * The Additional Checkout Fields API (src/Blocks/Domain/Services/CheckoutFields.php, from
	 * WooCommerce 8.9): a field is registered once WooCommerce has loaded, under a namespaced id,
	 * and only the block checkout shows it.
	 */
	function woocommerce_register_additional_checkout_field( array $options ) {
		if ( ! doing_action( 'woocommerce_init' ) ) {
			$GLOBALS['wp']['misplaced_fields'][] = $options['id'];
			return;
		}
		if ( false === strpos( $options['id'], '/' ) || ! in_array( $options['location'], array( 'contact', 'address', 'order' ), true ) ) {
			throw new InvalidArgumentException( 'not a valid additional checkout field: ' . json_encode( $options ) );
		}
		$GLOBALS['wp']['checkout_fields'][ $options['id'] ] = $options;
	}

	/**
	 * The classic checkout's POST: WC_Checkout::create_order() (includes/class-wc-checkout.php)
	 * builds the order from the cart, fires woocommerce_checkout_create_order( $order, $data ),
	 * saves, then fires woocommerce_checkout_update_order_meta( $order_id, $data ).
	 */
	function fake_classic_checkout( array $data ) {
		$order = new WC_Order( 'pending', WC()->cart->applied_coupons );
		do_action( 'woocommerce_checkout_create_order', $order, $data );
		$order_id = $order->save();
		do_action( 'woocommerce_checkout_update_order_meta', $order_id, $data );
		return $order_id;
	}

	/**
	 * The Checkout block's place-order POST to /wc/store/v1/checkout, as
	 * Checkout::get_route_post_response() (src/StoreApi/Routes/V1/Checkout.php) runs it:
	 * create_or_update_draft_order() makes a checkout-draft order from the cart and fires
	 * woocommerce_store_api_checkout_update_order_meta( $order ); update_order_from_request()
	 * (src/StoreApi/Utilities/CheckoutTrait.php) fires
	 * woocommerce_store_api_checkout_update_order_from_request( $order, $request ) and saves; then
	 * woocommerce_store_api_checkout_order_processed( $order ) fires before payment. Never
	 * woocommerce_checkout_create_order.
	 */
	function fake_store_api_checkout( array $params ) {
		$order = new WC_Order( 'checkout-draft', WC()->cart->applied_coupons );
		$order->save();
		do_action( 'woocommerce_store_api_checkout_update_order_meta', $order );
		// CheckoutTrait::persist_additional_fields_for_order(): only registered fields are kept,
		// under CheckoutFields' meta key for the "other" group, before the hook below fires.
		$posted = isset( $params['additional_fields'] ) ? (array) $params['additional_fields'] : array();
		foreach ( array_keys( $GLOBALS['wp']['checkout_fields'] ?? array() ) as $key ) {
			if ( isset( $posted[ $key ] ) ) {
				$order->update_meta_data( '_wc_other/' . $key, $posted[ $key ] );
			}
		}
		do_action( 'woocommerce_store_api_checkout_update_order_from_request', $order, new WP_REST_Request( $params ) );
		$order->save();
		do_action( 'woocommerce_store_api_checkout_order_processed', $order );
		$order->set_status( 'processing' );
		$order->save();
		return $order->get_id();
	}
}
