"""What a sandbox WooCommerce store says about itself: the site index and the settings it keeps.

Each answer follows the WooCommerce or WordPress code that builds it on a real store, named on
the function that emulates it; only the fields Passiton reads are filled in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Blueprint, jsonify

if TYPE_CHECKING:
    from passiton.sandbox.woocommerce_site import WooSite


@dataclass
class WooIdentity:
    """The store's WordPress and WooCommerce settings that make up its identity."""

    name: str = "Atelier Anna"
    currency: str = "EUR"
    locale: str = "de_DE"
    """WordPress's get_locale(): an underscore, not a BCP 47 hyphen."""
    timezone_string: str = "Europe/Berlin"
    """Empty when the site is set to a UTC offset (then only gmt_offset says it)."""
    gmt_offset: float = 1.0
    email_from_address: str = "hallo@atelier-anna.example"


def site_index_blueprint(site: WooSite) -> Blueprint:
    """`GET /wp-json/`: public, no key needed."""
    bp = Blueprint("wordpress_index", __name__)

    @bp.get("/wp-json/")
    def index() -> Any:
        # WordPress core, wp-includes/rest-api/class-wp-rest-server.php,
        # WP_REST_Server::get_index(): name = get_option('blogname'), gmt_offset and
        # timezone_string straight from the options.
        site.calls["GET /wp-json/"] += 1
        identity = site.identity
        return jsonify(
            {
                "name": identity.name,
                "description": "",
                "url": site.home_url,
                "home": site.home_url,
                "gmt_offset": identity.gmt_offset,
                "timezone_string": identity.timezone_string,
                "namespaces": ["wp/v2", "wc/v3"],
            }
        )

    return bp


def add_identity_routes(bp: Blueprint, site: WooSite) -> None:
    """The `/wc/v3` settings and system status routes, on the store's authenticated blueprint."""

    identity = site.identity

    @bp.get("/settings/general")
    def settings_general() -> Any:
        # plugins/woocommerce/includes/rest-api/Controllers/Version2/
        # class-wc-rest-setting-options-v2-controller.php, get_group_settings(): a list of the
        # group's options, each {id, label, description, type, default, value}; the general
        # group's options come from WC_Settings_General::get_settings().
        return jsonify(
            [
                _option("woocommerce_store_address", "text", "Hauptstraße 1"),
                _option("woocommerce_store_city", "text", "Berlin"),
                _option("woocommerce_default_country", "select", "DE:BE"),
                _option("woocommerce_currency", "select", identity.currency, default="USD"),
                _option("woocommerce_price_decimal_sep", "text", ","),
            ]
        )

    @bp.get("/settings/email/woocommerce_email_from_address")
    def email_from_address() -> Any:
        # class-wc-rest-setting-options-v2-controller.php, get_item(): one option of the
        # "email" group; WC_Settings_Emails::get_settings() defaults it to the admin e-mail.
        address = identity.email_from_address
        return jsonify(_option("woocommerce_email_from_address", "email", address))

    @bp.get("/system_status")
    def system_status() -> Any:
        # plugins/woocommerce/includes/rest-api/Controllers/Version2/
        # class-wc-rest-system-status-v2-controller.php: get_environment_info() sets
        # 'language' => get_locale(); get_settings_info() sets 'currency' =>
        # get_woocommerce_currency().
        return jsonify(
            {
                "environment": {
                    "home_url": "",
                    "site_url": "",
                    "language": identity.locale,
                },
                "settings": {"currency": identity.currency, "currency_symbol": "&euro;"},
            }
        )


def _option(option_id: str, kind: str, value: str, default: str = "") -> dict[str, Any]:
    return {
        "id": option_id,
        "label": option_id,
        "description": "",
        "type": kind,
        "default": default,
        "value": value,
    }
