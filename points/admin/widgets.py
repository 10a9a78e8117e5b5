"""Widgets of the content forms, chosen for editors: a picture field shows the picture, not its
file name; alternative text gets room for a sentence or two; and a row's related-object widget
never offers to delete the related item from the whole site."""

from django.contrib.admin.widgets import (
    AdminFileWidget,
    AdminTextareaWidget,
    RelatedFieldWidgetWrapper,
)


class PictureInput(AdminFileWidget):
    """ "Current picture" as a thumbnail beside the file input, instead of "Currently:
    points/e20abfc0….png"."""

    template_name = "admin/widgets/picture_input.html"


class KeepsRelatedItems:
    """For a ModelAdmin or an inline: the red ✕ beside a foreign key would delete the chosen
    item (a source, a reviewer) from the whole site, not from this page; a row is removed with
    its "Delete?" box. Adding and changing the related item stay."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
            field.widget.can_delete_related = False
        return field


class PictureWidgets:
    """For the admin of something with a picture: its file and alternative text fields."""

    picture_fields = {"image"}
    alt_text_fields = {"alt_text"}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.picture_fields:
            kwargs["widget"] = PictureInput
        elif db_field.name in self.alt_text_fields:
            kwargs["widget"] = AdminTextareaWidget(attrs={"rows": 3})
        return super().formfield_for_dbfield(db_field, request, **kwargs)
