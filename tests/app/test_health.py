"""/healthz and /readyz (issue #33): open without login, JSON, 503 naming the failed check and
nothing else."""
from __future__ import annotations

from pathlib import Path

import pytest
from huey.storage import RedisStorage

from contracts_app import create_app
from contracts_app.queue import huey


def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_readyz_ready_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"status": "ready"}


def test_readyz_503_when_the_database_is_down(app_config, tmp_path):
    # Port 9 (discard) is closed on loopback: the connection is refused at once.
    down = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://ops:secret@127.0.0.1:9/sla",
                       "JOBS_DIR": str(tmp_path)})
    response = down.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body == {"status": "not ready", "failed": ["database", "migrations"]}
    # Nothing about where the database is or why it failed.
    assert b"127.0.0.1" not in response.data and b"secret" not in response.data


def test_readyz_503_when_migrations_are_behind(app_config, tmp_path):
    from flask_migrate import downgrade, upgrade

    url = f"sqlite:///{tmp_path / 'behind.sqlite3'}"
    behind = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url, "JOBS_DIR": str(tmp_path / "jobs")})
    with behind.app_context():
        upgrade()
        downgrade(revision="-1")
    response = behind.test_client().get("/readyz")
    assert (response.status_code, response.get_json()) == (503, {"status": "not ready", "failed": ["migrations"]})
    with behind.app_context():
        upgrade()
    assert behind.test_client().get("/readyz").status_code == 200


def test_readyz_503_when_the_queue_is_unreachable(client, monkeypatch):
    monkeypatch.setattr(huey, "storage", RedisStorage("contracts", url="redis://127.0.0.1:9/0"))
    response = client.get("/readyz")
    assert (response.status_code, response.get_json()) == (503, {"status": "not ready", "failed": ["queue"]})


def test_readyz_503_when_the_results_store_is_not_writable(app, client, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app.config["JOBS_DIR"] = str(Path(blocker) / "jobs")
    response = client.get("/readyz")
    assert (response.status_code, response.get_json()) == (503, {"status": "not ready", "failed": ["results_store"]})


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_answers_take_no_post(client, path):
    assert client.post(path).status_code == 405
