"""Wagtail page types for policies, news, events and the province portals."""
