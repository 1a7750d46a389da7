from .views import demands, imports, inquiries, listings

app_name = "listings"

# Inquiries first: ``listings/<pk>/inquire/`` would otherwise be taken by the listings' ``listings/<pk>/<slug:name>/``.
urlpatterns = inquiries.urlpatterns + listings.urlpatterns + demands.urlpatterns + imports.urlpatterns
