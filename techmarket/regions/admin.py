from django.contrib import admin

from .models import TechnologyField


@admin.register(TechnologyField)
class TechnologyFieldAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name_zh", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
