"""The backend contract on a real Elasticsearch cluster, when ``ELASTICSEARCH_URL`` points at one."""

import os
import uuid

import pytest

from .contract import BackendContract

pytestmark = pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"),
    reason="no Elasticsearch cluster: set ELASTICSEARCH_URL to run the backend contract against one",
)


class TestElasticsearchBackend(BackendContract):
    @pytest.fixture
    def backend(self, settings):
        from search.backends.elasticsearch import ElasticsearchBackend

        settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
        settings.ELASTICSEARCH_INDEX_PREFIX = f"techmarket-test-{uuid.uuid4().hex[:8]}"
        backend = ElasticsearchBackend.from_settings()
        yield backend
        backend.drop()
        backend.close()
