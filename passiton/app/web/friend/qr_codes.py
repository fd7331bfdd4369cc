"""`GET /r/<code>/qr.svg` and `/qr.png`: the referral link as a QR code, to show or print.

The image is public like the link it encodes, and the same for as long as the code exists, so
browsers and the store's CDN may keep it a day; its ETag lets them revalidate cheaply. The
encoded link says it came from a QR code (`ch=qr`), or from the printed card (`ch=card`).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, make_response, request
from flask_babel import gettext

from passiton.app.web.current import current_runtime
from passiton.app.web.share_links import qr_png, qr_svg, share_link
from passiton.core.channels import CHANNEL_PARAMETER, ShareChannel
from passiton.core.codes import canonical, looks_like_code
from passiton.core.services.referral_links import find_link

bp = Blueprint("qr", __name__)
CACHE = "public, max-age=86400"
PRINTED = {ShareChannel.QR, ShareChannel.CARD}


def _encoded_link(code: str) -> str:
    """The link the image encodes, or a 404 for a code that names no referrer."""
    if not looks_like_code(code):
        abort(404)
    with current_runtime().db.sessions() as session:
        link = find_link(session, code)
        if link is None:
            abort(404)
        found = link.referrer.referral_code
    # Only the two printed channels: any other value would let a page name its own channel.
    asked = request.args.get(CHANNEL_PARAMETER, "")
    channel = ShareChannel.CARD if asked == ShareChannel.CARD.value else ShareChannel.QR
    return share_link(current_runtime().settings.app_url, found, channel)


def _cached(response: Response) -> Response:
    response.headers["Cache-Control"] = CACHE
    response.add_etag()
    response.make_conditional(request)  # turns it into a 304 in place when the ETag matches
    return response


@bp.get("/r/<code>/qr.svg")
def svg(code: str) -> Response:
    text = qr_svg(_encoded_link(code), title=gettext("QR code of your referral link"))
    return _cached(make_response(text, 200, {"Content-Type": "image/svg+xml; charset=utf-8"}))


@bp.get("/r/<code>/qr.png")
def png(code: str) -> Response:
    response = make_response(qr_png(_encoded_link(code)), 200, {"Content-Type": "image/png"})
    if "download" in request.args:
        # The widget is shown on the store's domain: a cross-origin `download` attribute is
        # ignored by browsers, so the server names the file.
        name = f"referral-{canonical(code)}.png"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return _cached(response)
