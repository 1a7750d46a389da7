"""Pages of the market, one module per area, each with its own ``urlpatterns`` (joined in ``listings/urls.py``)."""
