"""Wagtail's user administration adapted to this user model (one name field, a mobile number)."""

from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from .forms import WagtailUserCreationForm, WagtailUserEditForm


class UserViewSet(WagtailUserViewSet):
    create_template_name = "wagtailusers/users/techmarket_create.html"
    edit_template_name = "wagtailusers/users/techmarket_edit.html"

    def get_form_class(self, for_update=False):
        return WagtailUserEditForm if for_update else WagtailUserCreationForm
