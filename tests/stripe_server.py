"""The local Stripe-compatible server (localstripe) the Stripe gateway's tests talk to, over HTTP, with the real
``stripe`` library.

One server per test process (per pytest-xdist worker), started on a free port of 127.0.0.1 from localstripe's own
virtualenv (``make localstripe``; ``make test`` builds it first). Each test that asks for ``stripe_server`` starts
from an empty store and has Stripe switched on in the settings, pointed at that server, with a known webhook secret.
"""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / "var" / "localstripe" / "bin" / "python"
SERVER = ROOT / "scripts" / "localstripe-server"

SECRET_KEY = "sk_test_techmarket"
PUBLISHABLE_KEY = "pk_test_techmarket"
WEBHOOK_SECRET = "whsec_test_techmarket"


@dataclass(frozen=True)
class StripeServer:
    url: str

    def request(self, method: str, path: str, data: dict | None = None) -> requests.Response:
        response = requests.request(
            method, self.url + path, data=data, headers={"Authorization": f"Bearer {SECRET_KEY}"}, timeout=10
        )
        response.raise_for_status()
        return response

    def flush(self) -> None:
        """Empty the server's store: every customer, intent and method goes."""
        self.request("DELETE", "/_config/data")

    def send_webhooks_to(self, url: str, secret: str = WEBHOOK_SECRET) -> None:
        """Have the server post its events, signed with ``secret``, to ``url`` (as Stripe does to an endpoint)."""
        self.request("POST", "/_config/webhooks/techmarket", {"url": url, "secret": secret})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe():
    """The running server of this test process."""
    if not PYTHON.exists():
        pytest.fail("localstripe is not installed: run `make localstripe` (make test does it first)", pytrace=False)
    port = _free_port()
    process = subprocess.Popen(
        [str(PYTHON), str(SERVER), "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    server = StripeServer(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 20
    while True:
        try:
            server.request("GET", "/v1/customers")
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                error = process.stderr.read().decode(errors="replace") if process.stderr else ""
                pytest.fail(f"localstripe did not start: {error[-2000:]}", pytrace=False)
            time.sleep(0.1)
    yield server
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def stripe_server(localstripe, settings):
    """Stripe switched on and pointed at an emptied localstripe, with the test webhook secret."""
    localstripe.flush()
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = localstripe.url
    settings.PAYMENT_METHODS = ["card", "alipay", "wechat_pay"]
    return localstripe


__all__ = ["PUBLISHABLE_KEY", "SECRET_KEY", "WEBHOOK_SECRET", "StripeServer", "localstripe", "stripe_server"]
