"""Production settings: refuse to start without real secrets or the collected static files; pass Django's deployment
checks; build a fresh database with `migrate` alone; answer the API in JSON only."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "techmarket.settings.production",
    "SECRET_KEY": "k7$x!2qv9#zr8m4t@w6p1n3b5c0d&f-h=j+l_s^u*y(e)g)a%o~iQWERTYUIOP",
    "DATABASE_URL": "postgres://techmarket@db.internal:5432/techmarket",
    "ALLOWED_HOSTS": "techmarket.example.cn",
}


def run_manage(*args, env, timeout=120):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "TECHMARKET_VAR_DIR"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def var_dir(tmp_path):
    """A deployment's var/ directory (STATIC_ROOT is its static/), empty: collectstatic has not run."""
    return tmp_path / "var"


def collected(var_dir):
    """What `collectstatic` leaves for the manifest storage to read (an empty one: these tests render no page)."""
    (var_dir / "static").mkdir(parents=True)
    (var_dir / "static" / "staticfiles.json").write_text('{"version": "1.1", "paths": {}, "hash": ""}')
    return var_dir


def test_check_deploy_is_clean(var_dir):
    env = {**PRODUCTION_ENV, "TECHMARKET_VAR_DIR": str(collected(var_dir))}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_until_collectstatic_has_run(var_dir):
    result = run_manage("check", "--deploy", env={**PRODUCTION_ENV, "TECHMARKET_VAR_DIR": str(var_dir)})

    assert result.returncode != 0
    assert "(techmarket.E001) The static files manifest 'staticfiles.json' is missing" in result.stderr
    assert "Run `python manage.py collectstatic --noinput`" in result.stderr


def test_collectstatic_itself_is_not_stopped_by_the_missing_manifest(var_dir):
    # It runs the static files checks too; the manifest check is for deployment only, or it could never run.
    result = run_manage(
        "collectstatic", "--dry-run", "--noinput", env={**PRODUCTION_ENV, "TECHMARKET_VAR_DIR": str(var_dir)}
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_migrate_alone_makes_a_fresh_production_database_with_the_task_queue(tmp_path, var_dir):
    database = tmp_path / "fresh.sqlite3"
    env = {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{database}", "TECHMARKET_VAR_DIR": str(var_dir)}

    result = run_manage("migrate", "--noinput", env=env, timeout=600)

    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(database) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    # django-tasks-db's queue, where production's tasks wait for `manage.py db_worker`.
    assert "django_tasks_database_dbtaskresult" in tables


def test_the_production_api_answers_a_browser_in_json(tmp_path, var_dir):
    """No browsable API in production: what a browser asks for (HTML first) is answered in JSON."""
    env = {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "TECHMARKET_VAR_DIR": str(var_dir)}
    request = (
        "import json; from django.test import Client; "
        "r = Client().get('/api/v1/regions/', secure=True, headers={'host': 'techmarket.example.cn', "
        "'accept': 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'}); "
        "print(json.dumps([r.status_code, r['Content-Type']]))"
    )

    result = run_manage("shell", "-c", request, env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [200, "application/json"]


@pytest.mark.parametrize(
    ("missing", "message"),
    [("SECRET_KEY", "SECRET_KEY must be set"), ("DATABASE_URL", "DATABASE_URL"), ("ALLOWED_HOSTS", "ALLOWED_HOSTS")],
)
def test_production_refuses_to_start_without(missing, message):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_refuses_a_development_key():
    result = run_manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": "dev-only-insecure-key-" + "x" * 40})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
