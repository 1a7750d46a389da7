"""An API field for a technology field given by its slug, declared in the schema as the slugs there are.

The technology fields are reference data, like the region codes: a partner's client can offer them as a list,
so the schema names them (an enum read when the schema is built) instead of only "a slug".
"""

from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from .models import TechnologyField


class TechnologyFieldSlug(serializers.SlugRelatedField):
    """An active technology field, read and written as its slug; an unknown slug is a 400 naming it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Slug of an active technology field.")
        super().__init__(slug_field="slug", queryset=TechnologyField.objects.active(), **kwargs)

    def to_internal_value(self, data):
        field = self.get_queryset().filter(slug=str(data)).first()
        if field is None:
            raise serializers.ValidationError(_("There is no technology field “%(slug)s”.") % {"slug": data})
        return field


class TechnologyFieldSlugSchema(OpenApiSerializerFieldExtension):
    target_class = TechnologyFieldSlug

    def map_serializer_field(self, auto_schema, direction):
        try:
            slugs = list(TechnologyField.objects.active().values_list("slug", flat=True))
        except DatabaseError:  # a schema built without a database (manage.py spectacular on a build machine)
            slugs = []
        # An enum needs one value at least (OpenAPI 3.0): without the fields, the form of a slug.
        return {"type": "string", "enum": slugs} if slugs else {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"}
