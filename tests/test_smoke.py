from flask.testing import FlaskClient


def test_healthz_reports_database_and_queue(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    answer = response.get_json()
    assert {k: answer[k] for k in ("status", "database", "queue")} == {
        "status": "ok",
        "database": "ok",
        "queue": "ok",
    }
