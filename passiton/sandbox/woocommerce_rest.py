"""The WooCommerce REST endpoints Passiton calls (`/wp-json/wc/v3/…`), as a Flask blueprint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, jsonify, request

from passiton.sandbox.woocommerce_auth import Refusal, RestCall
from passiton.sandbox.woocommerce_identity import add_identity_routes
from passiton.sandbox.woocommerce_site import WooSite
from passiton.sandbox.woocommerce_store import CouponRefused, gmt, order_body

BATCH_LIMIT = 100
MAX_PER_PAGE = 100
WEBHOOK_FIELDS = ("id", "name", "status", "topic", "delivery_url")
"""What GET /webhooks shows: never the secret."""


def error(status: int, code: str, message: str) -> tuple[Response, int]:
    """A WordPress REST error body."""
    return jsonify({"code": code, "message": message, "data": {"status": status}}), status


def woocommerce_blueprint(site: WooSite) -> Blueprint:
    """Routes for one store; every call must be signed with one of its keys."""
    bp = Blueprint("woocommerce", __name__, url_prefix="/wp-json/wc/v3")
    store, lock = site.data, site.lock

    @bp.before_request
    def authenticate() -> tuple[Response, int] | None:
        site.calls[f"{request.method} /{request.path.split('/wc/v3/', 1)[-1]}"] += 1
        now = int(site.clock.now().timestamp())
        with lock:
            verdict = site.keys.authenticate(_rest_call(site.home_url), now)
        if isinstance(verdict, Refusal):
            return error(401, verdict.code, verdict.message)
        return None

    @bp.post("/coupons/batch")
    def coupon_batch() -> Any:
        body = request.get_json(silent=True) or {}
        creates, updates = body.get("create") or [], body.get("update") or []
        if len(creates) + len(updates) + len(body.get("delete") or []) > BATCH_LIMIT:
            return error(
                413,
                "rest_batch_too_many_requests",
                f"Unable to accept more than {BATCH_LIMIT} items for this request.",
            )
        with lock:
            answer: dict[str, list[dict[str, Any]]] = {}
            if creates:
                answer["create"] = [_item(store.create_coupon, i) for i in creates]
            if updates:
                answer["update"] = [_item(store.update_coupon, i) for i in updates]
        return jsonify(answer)

    @bp.post("/coupons")
    def coupon_create() -> Any:
        with lock:
            try:
                coupon = store.create_coupon(request.get_json(silent=True) or {})
            except CouponRefused as refused:
                return error(400, refused.code, str(refused))
        return jsonify(coupon), 201

    @bp.get("/coupons")
    def coupon_list() -> Any:
        code = request.args.get("code")
        with lock:
            found = [c for c in store.coupons.values() if code is None or c["code"] == code.lower()]
        return _page(found)

    @bp.get("/orders")
    def order_list() -> Any:
        since = request.args.get("modified_after")
        with lock:
            orders = sorted(store.orders.values(), key=lambda o: (o.modified, o.order_id))
            bodies = [order_body(o) for o in orders if since is None or gmt(o.modified) >= since]
        if request.args.get("order") == "desc":
            bodies.reverse()
        return _page(bodies)

    @bp.get("/orders/<int:order_id>")
    def order_get(order_id: int) -> Any:
        with lock:
            order = store.orders.get(order_id)
            if order is None:
                return error(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
            return jsonify(order_body(order))

    @bp.get("/webhooks")
    def webhook_list() -> Any:
        with lock:
            hooks = [{k: h[k] for k in WEBHOOK_FIELDS} for h in store.webhooks.values()]
        return _page(hooks)

    @bp.post("/webhooks")
    def webhook_create() -> Any:
        body = request.get_json(silent=True) or {}
        if not body.get("topic") or not body.get("delivery_url"):
            return error(400, "rest_missing_callback_param", "Missing parameter(s): topic")
        with lock:
            hook = store.create_webhook(body, site.clock.now())
            shown = {k: hook[k] for k in WEBHOOK_FIELDS}
        # The REST controller pings the delivery URL before answering, whatever the ping gets.
        site.ping(hook["id"])
        return jsonify(shown), 201

    @bp.put("/webhooks/<int:hook_id>")
    def webhook_update(hook_id: int) -> Any:
        body = request.get_json(silent=True) or {}
        with lock:
            hook = store.webhooks.get(hook_id)
            if hook is None:
                return error(404, "woocommerce_rest_webhook_invalid_id", "Invalid ID.")
            store.update_webhook(hook, body)
            shown = {k: hook[k] for k in WEBHOOK_FIELDS}
        # Saving an active webhook that was never delivered to pings it again.
        site.ping(hook_id)
        return jsonify(shown)

    @bp.delete("/webhooks/<int:hook_id>")
    def webhook_delete(hook_id: int) -> Any:
        with lock:
            hook = store.webhooks.pop(hook_id, None)
        if hook is None:
            return error(404, "woocommerce_rest_webhook_invalid_id", "Invalid ID.")
        return jsonify({k: hook[k] for k in WEBHOOK_FIELDS})

    add_identity_routes(bp, site)
    return bp


def _rest_call(home: str) -> RestCall:
    """The request as WooCommerce authenticates it.

    PHP's `$_GET` keeps the last of repeated parameters (the `woocommerce` library sends its
    query twice in OAuth mode), and form fields (`$_POST`) are signed too; JSON bodies are not.
    """
    params = {k: request.args.getlist(k)[-1] for k in request.args}
    params.update({k: request.form.getlist(k)[-1] for k in request.form})
    return RestCall(request.method, f"{home}{request.path}", params)


def _item(action: Callable[[dict[str, Any]], dict[str, Any]], item: Any) -> dict[str, Any]:
    """One batch item: the resource, or `{"id": 0, "error": …}` (the batch still answers 200)."""
    try:
        return action(item if isinstance(item, dict) else {})
    except CouponRefused as refused:
        status = {"code": refused.code, "message": str(refused), "data": {"status": 400}}
        return {"id": 0, "error": status}


def _page(rows: list[dict[str, Any]]) -> Any:
    """One page of a list, with WordPress's X-WP-Total and X-WP-TotalPages headers."""
    try:
        per_page = int(request.args.get("per_page", "10"))
        page = int(request.args.get("page", "1"))
    except ValueError:
        return error(400, "rest_invalid_param", "Invalid parameter(s): per_page, page")
    if not 1 <= per_page <= MAX_PER_PAGE or page < 1:
        return error(400, "rest_invalid_param", "Invalid parameter(s): per_page")
    pages = max(1, -(-len(rows) // per_page))
    response = jsonify(rows[(page - 1) * per_page : page * per_page])
    response.headers["X-WP-Total"] = str(len(rows))
    response.headers["X-WP-TotalPages"] = str(pages)
    return response
