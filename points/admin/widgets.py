"""Widgets of the content forms, chosen for editors: a picture field shows the picture, not its
file name; alternative text gets room for a sentence or two; and a row's related-object widget
never offers to delete the related item from the whole site; a table of rows names each input
for screen readers."""

from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.widgets import (
    AdminFileWidget,
    AdminTextareaWidget,
    RelatedFieldWidgetWrapper,
)
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet

from points.validators import is_number


class PictureInput(AdminFileWidget):
    """ "Current picture" as a thumbnail beside the file input, instead of "Currently:
    points/e20abfc0….png"."""

    template_name = "admin/widgets/picture_input.html"
    use_fieldset = False  # the field's label names the file input itself


class NumbersOnly:
    """An autocomplete that leaves out a sent value which is no row number when its form is
    shown again: Django's looks every sent value up, and a crafted "x" was a server error."""

    def optgroups(self, name, value, attr=None):
        numbers = [v for v in value if is_number(v)]
        return super().optgroups(name, numbers, attr)


class AutocompleteSelect(NumbersOnly, widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(NumbersOnly, widgets.AutocompleteSelectMultiple):
    pass


class KeepsRelatedItems:
    """For a ModelAdmin or an inline: the red ✕ beside a foreign key would delete the chosen
    item (a source, a reviewer) from the whole site, not from this page; a row is removed with
    its "Delete?" box. Adding and changing the related item stay. Its autocompletes take only
    row numbers (NumbersOnly)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
            field.widget.can_delete_related = False
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(db_field, self.admin_site, kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectMultiple(
                db_field, self.admin_site, kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


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


class LabelledRowsFormSet(BaseInlineFormSet):
    """A table of rows whose "Delete?" boxes have a name a screen reader can say (the column
    header is the only label Django gives them)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if DELETION_FIELD_NAME in form.fields:
            row = "new row" if index is None else f"row {index + 1}"
            form.fields[DELETION_FIELD_NAME].widget.attrs["aria-label"] = f"Delete {row}"


class LabelledTabularInline(KeepsRelatedItems, admin.TabularInline):
    """A tabular inline whose inputs carry their column's name as their accessible name:
    Django labels them only with the table's header, which axe and some screen readers miss."""

    formset = LabelledRowsFormSet

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            widget = getattr(field.widget, "widget", field.widget)  # inside the related wrapper
            widget.attrs.setdefault("aria-label", str(field.label))
        return field
