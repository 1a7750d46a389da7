"""Saved searches and alerts; the index itself lives in the search backend."""
