"""The search benchmark still runs end to end: a few hundred listings, twenty queries, no server."""

import os
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "search.py"


def test_search_bench_runs_and_reports_every_figure_with_full_recall(tmp_path):
    # Its temporary directory (database, index) under the test's own.
    environment = {**os.environ, "TMPDIR": str(tmp_path)}
    # The page under gunicorn is left out (bench/pages.py's smoke test covers that machinery); on tiny data the
    # performance targets are noise, so only a failure (recall, totals) may fail the run.
    command = [sys.executable, str(BENCH), "--listings", "300", "--queries", "20", "--skip-pages", "--ignore-targets"]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=120, env=environment, check=False)
    output = completed.stdout
    assert completed.returncode == 0, output + completed.stderr
    assert re.search(
        r"^300 published listings of \d+ organisations \(.*patent [\d,]+.*\), [\d,]+ deal terms", output, re.M
    )
    assert re.search(
        r"^indexed 300 documents \(built from the database and written\) in \d+\.\d s \(CPU \d+\.\d s, all threads\): "
        r"\d+\.\d s making the documents \(listing_documents\), -?\d+\.\d s in tantivy",
        output,
        re.M,
    )
    assert re.search(r"^20 queries: \d+ of 2 characters, \d+ of 3 characters, \d+ of 4 characters;", output, re.M)

    ms = r"\d+\.\d ms"
    assert re.search(r"^indexing \(documents \+ tantivy\)\s+\d+\.\d s\s+< 60 s\s+[✔✘]$", output, re.M)
    assert re.search(r"^engine p50 / p95 / max\s+[\d.]+ / [\d.]+ / [\d.]+ ms\s+-$", output, re.M)
    assert re.search(rf"^engine p95\s+{ms}\s+< 20 ms\s+[✔✘]$", output, re.M)
    assert re.search(r"^baseline p50 / p95 / max\s+\d+ / \d+ / \d+ ms\s+-$", output, re.M)
    assert re.search(r"^speed-up, medians \(p50\)\s+[\d,]+x\s+>= 20x\s+[✔✘]$", output, re.M)
    assert re.search(r"^speed-up, means\s+[\d,]+x\s+>= 20x\s+[✔✘]$", output, re.M)
    # Recall is not a performance target: it must be complete whatever the size.
    assert re.search(r"^recall \(lowest of the queries\)\s+1\.0000\s+1\.0\s+✔$", output, re.M)
    assert re.search(r"^all\s+20\s+\d+\s+\d+\s+1\.0000\s+[01]\.\d{4}\s+[01]\.\d{4}$", output, re.M)
    assert "recall under 1" not in output
    assert re.search(r"^/search/ rps / trivial rps\s+not measured\s+>= 0\.30$", output, re.M)
    # Relevance on the judged set, the engine and the database fallback's rule measured in the same run.
    assert re.search(r"^relevance on \d+ judged queries \(tests/search/relevance\.json\)", output, re.M)
    assert re.search(r"^  tantivy\s+0\.\d{3}\s+0\.\d{3}\s+0\.\d{3}$", output, re.M)
    assert re.search(
        r"^  database fallback \(every term, newest first\)\s+0\.\d{3}\s+0\.\d{3}\s+0\.\d{3}$", output, re.M
    )
    assert not list(tmp_path.iterdir()), "the benchmark left its temporary directory behind"
