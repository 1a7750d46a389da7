from .views import demands, imports, inquiries, listings

app_name = "listings"

urlpatterns = listings.urlpatterns + inquiries.urlpatterns + demands.urlpatterns + imports.urlpatterns
