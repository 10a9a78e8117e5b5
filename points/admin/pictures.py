"""The picture library in the admin: every picture uploaded once, with what it shows, its focal
point and its markers, and where it is used; and the choosers points and authors use to take a
picture from it (with "+" to add one without leaving the page)."""

from django.contrib import admin
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.db.models.functions import Lower
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html, format_html_join

from points.admin.revisions import ChangeNoteForm, RevisionAdmin
from points.admin.usage import change_url, counted, picture_text_uses, placed_picture_ids
from points.admin.widgets import LabelledRowsFormSet, LabelledTabularInline, PictureWidgets
from points.models import Picture, PictureMarker, PointPicture


def thumbnail(image_file, *, alt="", size=80):
    """A small preview of an uploaded picture for admin lists and inlines."""
    if not image_file:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" width="{}" class="admin-thumbnail">', image_file.url, alt, size
    )


class PictureForm(ChangeNoteForm):
    """A browser cannot put a chosen file back into a form shown again with something to fix:
    the picture field then says so, naming the file, instead of looking as if it were kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = self.files.get(self.add_prefix("image")) if self.is_bound else None
        if chosen and "image" in self.fields:
            self.fields["image"].help_text = format_html(
                "<strong>You chose “{}”: choose it again before saving.</strong> A browser "
                "cannot keep a chosen file when the form comes back with something to fix. {}",
                chosen.name,
                self.fields["image"].help_text,
            )


class PictureMarkerInline(LabelledTabularInline):
    model = PictureMarker
    extra = 1
    autocomplete_fields = ["point"]
    verbose_name = "marker"
    verbose_name_plural = (
        "Markers: where points are on this picture (choose the point, then click the picture "
        "above; a point may have several markers)"
    )


class UseFilter(admin.SimpleListFilter):
    title = "use"
    parameter_name = "use"

    def lookups(self, request, model_admin):
        return [("used", "Used on the site"), ("unused", "Not used anywhere")]

    def queryset(self, request, queryset):
        in_use = Q(point_use_count__gt=0) | Q(author_count__gt=0) | Q(placed_in_text=True)
        if self.value() == "used":
            return queryset.filter(in_use)
        if self.value() == "unused":
            return queryset.exclude(in_use)
        return queryset


@admin.register(Picture)
class PictureAdmin(PictureWidgets, RevisionAdmin):
    form = PictureForm
    list_display = ["preview", "title", "alt_text", "used_by", "credit", "uploaded_at"]
    list_display_links = ["preview", "title"]
    list_filter = [UseFilter, "is_decorative"]
    search_fields = [
        *["title", "alt_text", "caption", "credit", "licence"],
        *["markers__point__code", "markers__point__pinyin", "point_uses__point__code"],
    ]
    date_hierarchy = "uploaded_at"
    inlines = [PictureMarkerInline]
    readonly_fields = ["picker", "file_details", "where_used", "placing"]
    fieldsets = [
        (None, {"fields": ["picker", "file_details", "image", "title"]}),
        ("What it shows", {"fields": ["alt_text", "is_decorative", "caption"]}),
        ("Who made it", {"fields": ["credit", "licence"]}),
        (
            "Focal point",
            {
                "fields": [("focal_x", "focal_y")],
                "description": "The part that must stay in view when the picture is cropped "
                "(a face, a marked point): choose “Focal point” above the picture, then click "
                "it. Empty means the centre.",
            },
        ),
        ("Where it is used", {"fields": ["where_used", "placing"]}),
    ]

    ordering = [Lower("title"), "pk"]  # also where the list's counts group the rows

    class Media:
        js = ["admin/picture-picker.js"]
        css = {"all": ["admin/editor.css"]}

    def changelist_view(self, request, extra_context=None):
        # The list, and only the list, shows what uses each picture: one look at the texts
        # for the whole list (the chooser and the forms need none of it).
        request.pictures_placed_in_texts = placed_picture_ids()
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        placed = getattr(request, "pictures_placed_in_texts", None)
        if placed is None:
            return queryset
        return queryset.annotate(
            point_use_count=Count("point_uses", distinct=True),
            author_count=Count("authors", distinct=True),
            placed_in_text=ExpressionWrapper(Q(pk__in=placed), output_field=BooleanField()),
        )

    @admin.display(description="Picture")
    def preview(self, picture):
        return thumbnail(picture.image, alt=picture.alt_text)

    @admin.display(description="Used by")
    def used_by(self, picture):
        parts = []
        if picture.point_use_count:
            parts.append(counted(picture.point_use_count, "point"))
        if picture.author_count:
            parts.append(counted(picture.author_count, "author"))
        if picture.placed_in_text:
            parts.append("placed in a text")
        return ", ".join(parts) or "Not used anywhere"

    def get_fieldsets(self, request, obj=None):
        """A new picture: nothing to click yet, so its focal point and markers come once it is
        saved (the page then opens again to set them)."""
        if obj is None:
            return [fieldset for fieldset in self.fieldsets if fieldset[0] != "Focal point"]
        return self.fieldsets

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    @admin.display(description="Current picture")
    def picker(self, picture):
        if not picture.pk or not picture.image:
            return "Save the picture first; then you can mark its focal point and its points."
        return format_html(
            '<img src="{}" alt="{}" width="480" class="marker-picker" data-picture-picker>',
            picture.image.url,
            picture.alt_text,
        )

    @admin.display(description="File")
    def file_details(self, picture):
        """ "960 by 720 pixels, PNG, 45 KB; 3 smaller WebP copies for small screens"."""
        if not picture.pk or not picture.image:
            return "—"
        kind = picture.image.name.rsplit(".", 1)[-1].upper().replace("JPG", "JPEG")
        try:
            size = f", {filesizeformat(picture.image.size)}"
        except OSError:  # the file is not where the row says: say so rather than fail
            size = ", file missing"
        copies = len(picture.renditions)
        details = f"{picture.width} by {picture.height} pixels, {kind}{size}"
        if copies:
            details += (
                f"; {copies} smaller WebP cop{'y' if copies == 1 else 'ies'} for small screens"
            )
        return details

    @admin.display(description="Used by")
    def where_used(self, picture):
        if picture.pk is None:
            return "Not used yet."
        items = [
            (f"The page of {use.point.code} {use.point.pinyin}", change_url(use.point))
            for use in picture.point_uses.select_related("point")
        ]
        items += [(f"The author {author}", change_url(author)) for author in picture.authors.all()]
        items += [(where, change_url(row)) for where, row in picture_text_uses(picture)]
        if not items:
            return "Not used yet."
        return format_html(
            "<ul class='where-used'>{}</ul>",
            format_html_join(
                "", '<li><a href="{}">{}</a></li>', ((url, text) for text, url in items)
            ),
        )

    @admin.display(description="To place it in a text")
    def placing(self, picture):
        if picture.pk is None:
            return "Save the picture first."
        return format_html(
            "Write <code>{}</code> on a line of its own in a section or any other long text; "
            "<code>[[picture:{}|Your caption]]</code> gives it a caption for that place.",
            picture.placing_code,
            picture.pk,
        )


class EachPictureOnce(LabelledRowsFormSet):
    """A point's picture rows: a picture chosen on two kept rows is refused (readers would
    see it twice). Checked across the rows as sent, so two rows may trade pictures and a row
    deleted may be added again in one save."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            picture = form.cleaned_data.get("picture")
            if picture is None:
                continue
            if picture.pk in seen:
                form.add_error("picture", "This picture is on the point's page already.")
            seen.add(picture.pk)


class PointPictureInline(LabelledTabularInline):
    model = PointPicture
    formset = EachPictureOnce
    extra = 0
    fields = ["preview", "picture", "position"]
    readonly_fields = ["preview"]
    autocomplete_fields = ["picture"]
    verbose_name = "picture"
    verbose_name_plural = (
        "Pictures (from the picture library: type to find one, or “+” to upload a new one; "
        "its markers are set in the library)"
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("picture")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "picture":
            # A draft can hold a picture deleted since ("Select a valid choice" said nothing).
            field.error_messages["invalid_choice"] = (
                "This picture is no longer in the picture library (it was deleted: it may be "
                "in the trash). Choose another, recover it from the trash, or delete this row."
            )
        return field

    @admin.display(description="Preview")
    def preview(self, use):
        if not use.picture_id:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            change_url(use.picture),
            thumbnail(use.picture.image, alt=f"Open “{use.picture}” in the library", size=96),
        )
