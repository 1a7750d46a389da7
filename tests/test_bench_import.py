"""The import_patents benchmark still runs end to end (a small file on SQLite) and prints its result line."""

import os
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "import_patents.py"


def test_import_patents_bench_runs_and_prints_its_result_line(tmp_path):
    environment = {**os.environ, "TECHMARKET_VAR_DIR": str(tmp_path)}
    environment.pop("DATABASE_URL", None)
    completed = subprocess.run(
        [sys.executable, str(BENCH), "--rows", "300", "--baseline-rows", "100", "--database", "sqlite"],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert re.search(r"^sqlite\s+import_patents\s+300\s+\d+\.\d\s+\d+\.\d\s+[\d,]+$", completed.stdout, re.MULTILINE)
    assert re.search(r"^sqlite\s+import_transfers \(baseline\)\s+100\s", completed.stdout, re.MULTILINE)
    assert re.search(r"importing again took [\d.]+ s and added nothing$", completed.stdout, re.MULTILINE)
