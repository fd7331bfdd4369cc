"""Flask's JSON provider with request bodies parsed by the bounded loader.

`request.get_json()` only turns ValueError into a 400 (or None when silent); the bounded loader
raises ValueError for over-deep bodies, which the stock loader let out as a RecursionError.
"""

from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider

from passiton.core.json_documents import load_json


class BoundedJSONProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return load_json(s)
