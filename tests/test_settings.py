"""Production settings: refuse to start without real secrets; pass Django's deployment checks; answer the API in JSON
only."""

import json
import os
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
    """A deployment's var/ directory, empty."""
    return tmp_path / "var"


def test_check_deploy_is_clean():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


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
