"""The registry statistics benchmark still runs end to end (a small ledger on SQLite)."""

import os
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "registry_stats.py"


def test_registry_stats_bench_runs_and_prints_its_result_line(tmp_path):
    environment = {**os.environ, "TECHMARKET_VAR_DIR": str(tmp_path)}
    completed = subprocess.run(
        [sys.executable, str(BENCH), "--entries", "2000", "--runs", "1", "--database", "sqlite"],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "same numbers both ways" in completed.stdout
    assert re.search(r"^sqlite\s+2,000\s+\d+\.\d{3} s\s+\d+\.\d{3} s\s+[\d,.]+x", completed.stdout, re.MULTILINE)
    assert re.search(r"^sqlite: [\d,]+ monthly tallies, recounted from the ledger in", completed.stdout, re.MULTILINE)
