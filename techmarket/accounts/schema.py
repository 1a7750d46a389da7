"""The OpenAPI schema's description of this app's authentication classes (imported by ``AccountsConfig.ready``)."""

from drf_spectacular.authentication import BasicScheme


class LimitedBasicScheme(BasicScheme):
    """Our basic authentication is DRF's with the sign-in limits: the same HTTP basic scheme in the schema."""

    target_class = "techmarket.accounts.authentication.BasicAuthentication"
