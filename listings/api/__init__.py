"""REST endpoints of the market under ``/api/v1/``, one module per area (as in ``services`` and ``views``).

The viewsets are registered on the project's router in ``techmarket/urls.py``.
They follow the pages' permission rules: what is not public is a 404 for those
who may not see it; what they may see but not change is a 403.
"""
