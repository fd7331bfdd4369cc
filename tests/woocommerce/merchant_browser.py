"""Driving the merchant pages as a browser does: forms with the session's CSRF token."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient


def csrf(client: FlaskClient) -> str:
    client.get("/login")
    with client.session_transaction() as session:
        token = session["csrf_token"]
    assert isinstance(token, str)
    return token


def signup(
    client: FlaskClient,
    email: str = "owner@shop.example",
    password: str = "long-password-1",  # noqa: S107
) -> Any:
    return client.post(
        "/signup", data={"email": email, "password": password, "csrf_token": csrf(client)}
    )


def login(client: FlaskClient, email: str, password: str, **environ: Any) -> Any:
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf(client)},
        environ_base=environ,
    )
