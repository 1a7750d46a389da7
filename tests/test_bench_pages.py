"""The page benchmark still runs end to end: a few listings and the demo's editorial pages, a real gunicorn, a second
per kind of URL (the home page in each language among them)."""

import os
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "pages.py"


def test_pages_bench_runs_and_prints_its_table_and_verdict(tmp_path):
    # Its temporary directory (database, media, static files, server log) under the test's own.
    environment = {**os.environ, "TMPDIR": str(tmp_path)}
    command = [sys.executable, str(BENCH), "--listings", "6", "--seconds", "1", "--warmup", "0.2", "--rounds", "1"]
    # The rate target is not what this checks: on a busy test machine the ratio is noise.
    command += ["--clients", "2", "--min-ratio", "0"]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=180, env=environment, check=False)
    output = completed.stdout
    assert completed.returncode == 0, output + completed.stderr
    assert re.search(r"^6 published listings \(\d+ images, \d+ deal terms, \d+ patents\)", output, re.MULTILINE)
    assert re.search(r"^\d+ editorial pages published in ", output, re.MULTILINE)
    assert re.search(r"^queries per home page: \d+ on 1 of 1 pages$", output, re.MULTILINE)
    assert re.search(r"^queries per home-en page: \d+ on 1 of 1 pages$", output, re.MULTILINE)
    assert re.search(r"^queries per list page: \d+ on \d+ of \d+ pages$", output, re.MULTILINE)
    assert re.search(r"^queries per detail page: \d+ on 6 of 6 pages$", output, re.MULTILINE)
    assert re.search(r"^gunicorn: 2 sync workers on 127\.0\.0\.1:\d+", output, re.MULTILINE)
    # url kind, urls, requests, rps, p50, p95, server CPU/req ("-" without /proc), client CPU/req, ratio
    cells = r"\s+[\d,]+\s+[\d,]+\.\d\s+[\d.]+ ms\s+[\d.]+ ms\s+(-|[\d.]+ ms)\s+[\d.]+ ms\s+\d+\.\d\d$"
    for kind, urls in (
        ("trivial", "1"),
        ("frame", "1"),
        ("home", "1"),
        ("home-en", "1"),
        ("list", r"\d+"),
        ("detail", "6"),
    ):
        assert re.search(rf"^{kind}\s+{urls}{cells}", output, re.MULTILINE), kind
    assert re.search(r"^responses: all [\d,]+ were 200: ok$", output, re.MULTILINE)
    assert re.search(r"^detail/trivial = \d+\.\d\d \(target >= 0\.00\): ok$", output, re.MULTILINE)
    assert not list(tmp_path.iterdir()), "the benchmark left its temporary directory behind"
