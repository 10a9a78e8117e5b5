"""The editors' workspace for content: points, pictures, articles, authors, sources and the
disclaimer. Editors are not programmers: every screen groups its fields, explains them in plain
words, and shows pictures as thumbnails."""

from datetime import timedelta

from django.contrib import admin
from django.db.models import Count
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from points.admin.drafts import DraftsAdminMixin
from points.admin.formatting import FormattedTextAdmin, FormattedTextInline
from points.admin.pictures import PictureChangeForm, PictureForm
from points.admin.publishing import PublishingAdminMixin
from points.admin.revisions import RevisionAdmin
from points.admin.routines import ROUTINE_FIELDSET, RoutineStepInline
from points.admin.widgets import KeepsRelatedItems, LabelledTabularInline, PictureWidgets
from points.body_map import FIGURES
from points.models import (
    Article,
    ArticleReference,
    ArticleSection,
    Author,
    Condition,
    Disclaimer,
    PageRedirect,
    Point,
    PointAlias,
    PointImage,
    PointReference,
    Reference,
    Reviewer,
)


class ReviewDueFilter(admin.SimpleListFilter):
    """Pages whose facts are due for another check."""

    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Review overdue"),
            ("soon", "Due within 30 days"),
            ("never", "Never reviewed"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.review_overdue()
        if self.value() == "soon":
            return queryset.filter(
                next_review_due__gte=today, next_review_due__lte=today + timedelta(days=30)
            )
        if self.value() == "never":
            return queryset.filter(last_reviewed__isnull=True)
        return queryset


PUBLISHING_FIELDSET = (
    "Publishing and review",
    {
        "fields": [
            "status",
            "published_at",
            ("last_reviewed", "next_review_due"),
            "reviewer",
        ],
        "description": "A published page with a publication date in the future goes live by "
        "itself at that time. Drafts and scheduled pages can be previewed with “View on site”.",
    },
)


def thumbnail(image_file, *, alt="", size=80):
    """A small preview of an uploaded picture for admin lists and inlines."""
    if not image_file:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" width="{}" class="admin-thumbnail">', image_file.url, alt, size
    )


class PointAliasInline(LabelledTabularInline):
    model = PointAlias
    extra = 1
    verbose_name = "other name or code"
    verbose_name_plural = "Other names and codes (readers can search for these)"


# The picture's fields in the order an editor fills them in, after a clickable preview.
PICTURE_FIELDS = [
    "marker_preview",
    "image",
    "alt_text",
    "is_decorative",
    "caption",
    "credit",
    ("marker_x", "marker_y"),
    "position",
]


class PictureFormMixin(PictureWidgets):
    """A picture's form, wherever it is edited: the picture itself is a click target, and
    static/admin/marker-picker.js writes the clicked spot, in percent, into the marker fields."""

    form = PictureForm
    readonly_fields = ["marker_preview"]

    class Media:
        js = ["admin/marker-picker.js"]
        css = {"all": ["admin/editor.css"]}

    @admin.display(description="Current picture (click it to mark where the point is)")
    def marker_preview(self, image):
        if not image.image:
            return "Save the picture first, then click on it to mark the point."
        return format_html(
            '<img src="{}" alt="{}" width="320" class="marker-picker" data-marker-picker="marker">',
            image.image.url,
            image.alt_text,
        )


class PointImageInline(PictureFormMixin, KeepsRelatedItems, admin.StackedInline):
    model = PointImage
    extra = 0
    fields = PICTURE_FIELDS
    verbose_name = "picture"
    verbose_name_plural = "Pictures"


class PointReferenceInline(LabelledTabularInline):
    model = PointReference
    extra = 0
    autocomplete_fields = ["reference"]
    verbose_name = "source"
    verbose_name_plural = "Sources (cite them in the text as [1], [2], ...)"


class ArticleReferenceInline(PointReferenceInline):
    model = ArticleReference


@admin.register(Point)
class PointAdmin(
    DraftsAdminMixin, PublishingAdminMixin, KeepsRelatedItems, FormattedTextAdmin, RevisionAdmin
):
    # Fits a 1280 px screen beside the admin's menu and the filters.
    list_display = ["code", "name", "body_area", "picture", "publication_status", "review_due"]
    list_display_links = ["code", "name"]
    list_filter = ["status", ReviewDueFilter, "body_area", "channel", "confidence", "conditions"]
    search_fields = [
        *["code", "pinyin", "english_name", "chinese_name", "aliases__name"],
        *["conditions__name", "where_short", "summary", "said_to_help"],
    ]
    prepopulated_fields = {"slug": ["code", "pinyin"]}
    filter_horizontal = ["conditions"]
    date_hierarchy = "published_at"
    inlines = [PointAliasInline, PointImageInline, PointReferenceInline]
    readonly_fields = ["map_picker"]
    fieldsets = [
        ("Name", {"fields": ["code", "pinyin", "chinese_name", "english_name", "slug"]}),
        (
            "Where it is",
            {
                "fields": [
                    "channel",
                    "body_area",
                    "where_short",
                    "summary",
                    "location",
                    "how_to_find",
                    "confidence",
                    "identification_note",
                ]
            },
        ),
        (
            "How to press it",
            {
                "fields": [
                    "pressure",
                    ("duration_min_seconds", "duration_max_seconds"),
                    ("repetitions_min", "repetitions_max"),
                    "posture",
                    "sides",
                    "technique_notes",
                    "article_technique",
                ]
            },
        ),
        (
            "What it is said to help, and cautions",
            {"fields": ["said_to_help", "conditions", "contraindications", "cautions"]},
        ),
        (
            "Body map",
            {
                "fields": ["map_picker", "map_view", ("map_x", "map_y")],
                "description": "Where the point's marker sits on the body map. Click the front "
                "or back figure, or type the numbers.",
            },
        ),
        ("Order", {"fields": ["position"]}),
        PUBLISHING_FIELDSET,
    ]

    Media = PictureFormMixin.Media  # the body-map picker uses the same script

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("images")

    @admin.display(description="Place on the body map")
    def map_picker(self, point):
        """Both figures as click targets (static/admin/marker-picker.js fills the fields)."""
        return format_html_join(
            "",
            '<img src="{}" alt="{} of the body" width="150" height="300" '
            'class="marker-picker" data-marker-picker="map" data-view="{}">',
            ((static(figure), view.label, view.value) for view, figure in FIGURES.items()),
        )

    @admin.display(description="Name", ordering="pinyin")
    def name(self, point):
        return f"{point.pinyin} ({point.english_name})" if point.english_name else point.pinyin

    @admin.display(description="Picture")
    def picture(self, point):
        images = point.images.all()
        return thumbnail(images[0].image, alt=images[0].alt_text, size=56) if images else "—"


@admin.register(PointImage)
class PointImageAdmin(PictureFormMixin, RevisionAdmin):
    form = PictureChangeForm
    list_display = ["preview", "alt_text", "is_decorative", "point", "caption", "position"]
    list_filter = ["is_decorative", "point"]
    fields = ["point", *PICTURE_FIELDS]
    list_display_links = ["preview", "alt_text"]
    search_fields = ["alt_text", "caption", "credit", "point__code", "point__pinyin"]
    autocomplete_fields = ["point"]
    list_select_related = ["point"]

    @admin.display(description="Picture")
    def preview(self, image):
        return thumbnail(image.image, alt=image.alt_text)


@admin.register(Condition)
class ConditionAdmin(FormattedTextAdmin, RevisionAdmin):
    list_display = ["name", "slug", "point_count"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(point_count=Count("points"))

    @admin.display(description="Points", ordering="point_count")
    def point_count(self, condition):
        return condition.point_count


class ArticleSectionInline(KeepsRelatedItems, FormattedTextInline, admin.StackedInline):
    model = ArticleSection
    extra = 0
    fields = ["position", "heading", "body", "figure_caption", "editor_note", "points"]
    autocomplete_fields = ["points"]
    verbose_name_plural = "Sections, in reading order (change the position numbers to reorder)"


@admin.register(Article)
class ArticleAdmin(
    DraftsAdminMixin, PublishingAdminMixin, KeepsRelatedItems, FormattedTextAdmin, RevisionAdmin
):
    list_display = [
        "title",
        "author",
        "publication_status",
        "review_due",
        "updated_at",
        "is_site_routine",
    ]
    list_filter = ["status", ReviewDueFilter, "author"]
    search_fields = ["title", "summary", "intro", "sections__heading", "sections__body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author"]
    date_hierarchy = "published_at"
    list_select_related = ["author"]
    inlines = [ArticleSectionInline, RoutineStepInline, ArticleReferenceInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "summary"]}),
        (
            "Text",
            {"fields": ["intro", "intro_note", "closing", "closing_note"]},
        ),
        ROUTINE_FIELDSET,
        PUBLISHING_FIELDSET,
    ]


@admin.register(Reference)
class ReferenceAdmin(RevisionAdmin):
    list_display = ["title", "authors", "year", "publication"]
    search_fields = ["title", "authors", "publication", "doi"]
    list_filter = ["year"]


@admin.register(Reviewer)
class ReviewerAdmin(RevisionAdmin):
    list_display = ["name", "credential", "is_team"]
    search_fields = ["name", "credential"]


@admin.register(Author)
class AuthorAdmin(PictureWidgets, FormattedTextAdmin, RevisionAdmin):
    picture_fields = {"photo"}
    alt_text_fields = {"photo_alt_text"}
    list_display = ["name", "role", "portrait"]
    search_fields = ["name", "role", "bio"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(description="Photo")
    def portrait(self, author):
        return thumbnail(author.photo, alt=author.photo_alt_text)


@admin.register(Disclaimer)
class DisclaimerAdmin(FormattedTextAdmin, RevisionAdmin):
    """The disclaimer is a single text: it can be edited, never deleted or duplicated."""

    list_display = ["title", "short_notice", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "short_notice", "body"]}),
        (
            "When to get medical help instead",
            {
                "fields": ["emergency_signs", "see_a_doctor_signs"],
                "description": "The warning signs, in two lists: the one place to change them. "
                "Every point page, the routine, the article and the disclaimer show them.",
            },
        ),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Disclaimer.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PageRedirect)
class PageRedirectAdmin(admin.ModelAdmin):
    """Old addresses of renamed pages. Made automatically when a slug changes; editors can add
    one by hand for any other moved address."""

    list_display = ["old_path", "new_path", "created_at"]
    search_fields = ["old_path", "new_path"]
