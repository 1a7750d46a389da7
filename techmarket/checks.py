"""The project's own system checks (registered by ``techmarket.accounts``' AppConfig, the project package not being
an app)."""

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.checks import Error, Tags, register
from django.core.files.storage import storages


@register(Tags.staticfiles, deploy=True)
def static_files_manifest(app_configs=None, **kwargs) -> list[Error]:
    """A manifest storage (production's) finds every page's CSS and scripts through the manifest ``collectstatic``
    writes; without it each ``{% static %}`` raises and every page is a 500. Say so before the site starts.

    A deployment check only: ``collectstatic`` runs the staticfiles checks too, and must run before the manifest
    exists.
    """
    # A storage of its own, not the shared one: that one may have read the manifest before collectstatic ran. (A
    # manifest that is there but unreadable fails louder, earlier: Wagtail's admin reads it when it starts.)
    storage = storages.create_storage(settings.STORAGES["staticfiles"])
    if not isinstance(storage, ManifestFilesMixin):
        return []
    if storage.manifest_storage.exists(storage.manifest_name):
        return []
    return [
        Error(
            f"The static files manifest {storage.manifest_name!r} is missing from STATIC_ROOT "
            f"({settings.STATIC_ROOT}): every page would fail with a server error.",
            hint="Run `python manage.py collectstatic --noinput` with these settings before starting the site.",
            id="techmarket.E001",
        )
    ]
