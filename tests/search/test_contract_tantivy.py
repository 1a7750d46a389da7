"""The backend contract on the embedded tantivy index, in a directory of its own per test."""

import pytest

from search.backends.tantivy import TantivyBackend

from .contract import BackendContract


class TestTantivyBackend(BackendContract):
    @pytest.fixture
    def backend(self, tmp_path):
        backend = TantivyBackend(tmp_path / "search")
        yield backend
        backend.close()
