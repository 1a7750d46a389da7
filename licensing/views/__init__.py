"""Licensing's views, one module per part."""
