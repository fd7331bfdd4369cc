"""Unsubscribe tokens: which shop and which mailbox, signed, and naming no address.

The token carries the shop and the keyed hash of the recipient's mailbox (the digest the
suppression list stores), signed with the secret key: it cannot be guessed or made for
another address, it reveals nothing about the address, and it keeps working after the person
is redacted, since the suppression it leads to never needed the address.
"""

from __future__ import annotations

from itsdangerous import BadData, URLSafeSerializer

SALT = "passiton.unsubscribe"


class UnsubscribeTokens:
    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeSerializer(secret_key, salt=SALT)

    def token(self, shop_id: int, digest: str) -> str:
        return str(self._serializer.dumps([shop_id, digest]))

    def read(self, token: str) -> tuple[int, str] | None:
        """The shop and mailbox digest the token names; None for a forged or damaged token."""
        try:
            value = self._serializer.loads(token)
        except BadData:  # a bad signature, or a payload that does not decode
            return None
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not isinstance(value[0], int)
            or not isinstance(value[1], str)
        ):
            return None
        return value[0], value[1]
