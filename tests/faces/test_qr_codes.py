"""The referral link's QR code: SVG and PNG that decode back to the link, cached, 404 unknown."""

from __future__ import annotations

import re
import struct
import zlib
from xml.etree import ElementTree

import pytest
import segno
from flask.testing import FlaskClient

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from tests.conftest import RuntimeFactory
from tests.faces.scenario import referrer, shop_with_key

Matrix = list[list[bool]]


def _qr_client(make_runtime: RuntimeFactory, url: str) -> tuple[Runtime, FlaskClient, str]:
    runtime = make_runtime(url)
    client = create_app(runtime=runtime).test_client()
    shop = shop_with_key(runtime, "ring-shop.myshopify.com", name="Ring Shop")
    return runtime, client, referrer(runtime, shop.shop_id, "anna@example.com", "Anna")


def _modules_of(link: str) -> Matrix:
    """The dark modules a QR code of `link` has, with segno's own encoder."""
    return [[bool(bit) for bit in row] for row in segno.make(link, error="m").matrix]


def _png_modules(png: bytes) -> Matrix:
    """Decode a 1-bit greyscale PNG (what segno writes) into dark modules, quiet zone included."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    pos, data, width, height = 8, b"", 0, 0
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (1, 0)
        elif kind == b"IDAT":
            data += body
        pos += 12 + length
    raw, stride = zlib.decompress(data), (width + 7) // 8
    rows, previous = [], bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        row_filter, line = raw[start], raw[start + 1 : start + 1 + stride]
        assert row_filter in (
            0,
            2,
        )  # segno writes rows unfiltered or as the difference to the one above
        line = (
            bytes((b + p) & 0xFF for b, p in zip(line, previous, strict=True))
            if row_filter == 2
            else line
        )
        rows.append([not (line[x // 8] >> (7 - x % 8)) & 1 for x in range(width)])
        previous = line
    return rows


def _scaled_down(pixels: Matrix, scale: int, border: int) -> Matrix:
    size = len(pixels) // scale - 2 * border
    return [
        [pixels[(y + border) * scale][(x + border) * scale] for x in range(size)]
        for y in range(size)
    ]


def _svg_modules(svg: str) -> Matrix:
    """The dark modules of segno's SVG path: each `h` run draws dark modules on one row."""
    root = ElementTree.fromstring(svg)  # noqa: S314 -- our own answer, in a test
    path = root.find("{http://www.w3.org/2000/svg}path")
    assert path is not None
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path.attrib["d"]):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            dark.update((int(x) + i, int(y)) for i in range(int(a)))
            x += float(a)
    side = int(root.attrib["width"]) // 4  # scale 4
    return [[(col, row) in dark for col in range(4, side - 4)] for row in range(4, side - 4)]


def test_the_svg_is_a_qr_code_of_the_link_shared_by_qr(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    runtime, client, code = _qr_client(make_runtime, sqlite_url)

    response = client.get(f"/r/{code}/qr.svg")

    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    link = f"{runtime.settings.app_url}/r/{code}?ch=qr"
    assert _svg_modules(response.get_data(as_text=True)) == _modules_of(link)


def test_the_png_is_a_qr_code_of_the_link_and_downloads_with_a_name(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    runtime, client, code = _qr_client(make_runtime, sqlite_url)

    response = client.get(f"/r/{code}/qr.png?ch=card&download")

    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == f'attachment; filename="referral-{code}.png"'
    link = f"{runtime.settings.app_url}/r/{code}?ch=card"
    assert _scaled_down(_png_modules(response.data), 10, 4) == _modules_of(link)


def test_a_channel_other_than_the_printed_ones_is_encoded_as_qr(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    runtime, client, code = _qr_client(make_runtime, sqlite_url)

    response = client.get(f"/r/{code}/qr.png?ch=whatsapp")

    link = f"{runtime.settings.app_url}/r/{code}?ch=qr"
    assert _scaled_down(_png_modules(response.data), 10, 4) == _modules_of(link)


def test_the_images_are_cached_publicly_and_revalidate_with_their_etag(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    _, client, code = _qr_client(make_runtime, sqlite_url)

    first = client.get(f"/r/{code}/qr.svg")
    again = client.get(f"/r/{code}/qr.svg", headers={"If-None-Match": first.headers["ETag"]})

    assert first.headers["Cache-Control"] == "public, max-age=86400"
    assert again.status_code == 304


@pytest.mark.parametrize("path", ["/r/ZZZZ-ZZZZ/qr.svg", "/r/ZZZZ-ZZZZ/qr.png", "/r/%00/qr.svg"])
def test_a_code_that_names_nobody_has_no_image(
    make_runtime: RuntimeFactory, sqlite_url: str, path: str
) -> None:
    _, client, _ = _qr_client(make_runtime, sqlite_url)

    response = client.get(path)

    assert response.status_code == 404
    assert response.mimetype != "image/png"
