"""Writes of the market, one module per area: ``listings`` (listings, their files and workflow),
``inquiries``, ``demands`` (demands and proposals) and ``imports`` (bulk import of listings).
"""
