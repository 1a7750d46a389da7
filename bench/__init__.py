"""Benchmark harnesses (see README.md). A package so that the page benchmark's server can import its settings."""
