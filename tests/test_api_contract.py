"""The API keeps its contract: Schemathesis reads /api/v1/schema/ and sends what it allows, every operation.

A partner's developer would run it the same way (`st run <server>/api/v1/schema/`): here against the live test
server with the demo data, once anonymously and once signed in as a university's administrator. Four checks,
the ones the schema makes promises for: no server error, the answer's body as declared for its status, only
declared statuses, only declared content types. A fixed seed and example count keep the run the same each time
and under two minutes; any failure fails the suite with Schemathesis's report (each failure with a curl command
that replays it). Writes go to the test database, which the test empties afterwards.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.demo_seed import seed

CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"
SEED = 20261205
MAX_EXAMPLES = 6
UNIVERSITY_ADMIN = "fudan.admin@demo.techmarket.cn"  # demo/data: 复旦大学's administrator
DEMO_PASSWORD = "TechMarket2026!"
# Fuzzing sends thousands of writes in a minute: the rate limits would answer most of them with a 429 (declared,
# so no failure, but then the writes' own answers would go untested).
UNLIMITED = {"ip": "1000000/h", "account": "1000000/h"}


@pytest.fixture
def demo_server(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RATELIMITS = {scope: dict(UNLIMITED) for scope in settings.RATELIMITS}
    settings.INQUIRY_DAILY_LIMIT = 1_000_000
    seed()
    return live_server.url


def schemathesis(base_url: str, tmp_path: Path, *auth: str) -> subprocess.CompletedProcess:
    command = [
        str(Path(sys.executable).with_name("st")),
        "run",
        f"{base_url}/api/v1/schema/",
        f"--checks={CHECKS}",
        f"--seed={SEED}",
        f"--max-examples={MAX_EXAMPLES}",
        # Examples, then generated requests (valid and invalid), then chains of calls that follow the schema's
        # links. The coverage phase (every boundary value of every parameter, 2,600 more requests) would take the
        # run past its two minutes; the README gives the command for a full run against `make run`.
        "--phases=examples,fuzzing,stateful",
        "--workers=1",  # the live server shares one in-memory SQLite connection
        "--generation-database=none",
        "--no-color",
        *auth,
    ]
    return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600)


def operations_tested(report: str) -> tuple[int, int]:
    """How many operations the schema has, and how many of them the run tested, from Schemathesis's summary."""
    selected = re.search(r"Selected: (\d+)/(\d+)", report)
    tested = re.search(r"Tested: (\d+)", report)
    assert selected and tested, report
    return int(selected.group(2)), int(tested.group(1))


def test_schemathesis_finds_no_contract_failure(demo_server, tmp_path):
    callers = {
        "anonymous": (),
        "a university administrator": (f"--auth={UNIVERSITY_ADMIN}:{DEMO_PASSWORD}",),
    }
    # One seeded demo for both callers (seeding takes most of a minute); each caller's report kept whole.
    reports = {caller: schemathesis(demo_server, tmp_path, *auth) for caller, auth in callers.items()}

    for caller, run in reports.items():
        report = run.stdout + run.stderr
        operations, tested = operations_tested(report)
        cases = re.search(r"(\d+) generated", report)
        print(f"Schemathesis as {caller}: {tested} operations, {cases and cases.group(1)} cases")  # shown with -rP
        assert operations >= 40 and tested == operations, f"as {caller}, not every operation was tested:\n{report}"
        assert run.returncode == 0, f"Schemathesis as {caller}:\n{report}"
