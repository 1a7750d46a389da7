"""Reference data shared across the apps.

Provinces and cities are not stored here: they come from the GB/T 2260 table
(``gbt2260.py``). Technology fields are a managed list that platform staff edit.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TechnologyFieldQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class TechnologyField(models.Model):
    """A technology field (技术领域) such as 集成电路 or 生物医药, used to classify listings, demands and brokers."""

    slug = models.SlugField(_("code"), max_length=50, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=50, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = TechnologyFieldQuerySet.as_manager()

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("technology field")
        verbose_name_plural = _("technology fields")

    def __str__(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_zh
