"""Reads of the market, one module per area (as in ``services``)."""
