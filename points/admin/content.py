"""The editors' workspace for content: points, articles, authors, sources and the disclaimer
(the picture library is points/admin/pictures.py). Editors are not programmers: every screen
groups its fields, explains them in plain words, and shows pictures as thumbnails."""

from datetime import timedelta

from django.contrib import admin
from django.db.models import Count
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html_join

from points.admin.drafts import DraftsAdminMixin
from points.admin.formatting import FormattedTextAdmin, FormattedTextInline
from points.admin.pictures import PointPictureInline, thumbnail
from points.admin.publishing import PublicationFilter, PublishingAdminMixin
from points.admin.revisions import RevisionAdmin
from points.admin.routines import ROUTINE_FIELDSET, RoutineStepInline
from points.admin.widgets import KeepsRelatedItems, LabelledTabularInline
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
    PointReference,
    Reference,
    Reviewer,
)


class ConditionFilter(admin.RelatedFieldListFilter):
    """The complaints a point is listed under; its last choice, the points under none, is
    named (Django's own label for it is a bare "-")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_value_display = "Under no complaint"


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


class PointAliasInline(LabelledTabularInline):
    model = PointAlias
    extra = 1
    verbose_name = "other name or code"
    verbose_name_plural = "Other names and codes (readers can search for these)"


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
    list_filter = [
        *[PublicationFilter, ReviewDueFilter, "body_area", "channel", "confidence"],
        ("conditions", ConditionFilter),
    ]
    search_fields = [
        *["code", "pinyin", "english_name", "chinese_name", "aliases__name"],
        *["conditions__name", "where_short", "summary", "said_to_help"],
    ]
    prepopulated_fields = {"slug": ["code", "pinyin"]}
    filter_horizontal = ["conditions"]
    date_hierarchy = "published_at"
    inlines = [PointAliasInline, PointPictureInline, PointReferenceInline]
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

    class Media:
        js = ["admin/marker-picker.js"]  # the body-map picker
        css = {"all": ["admin/editor.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).with_pictures()

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
        uses = point.pictures.all()
        return (
            thumbnail(uses[0].picture.image, alt=uses[0].picture.alt_text, size=56) if uses else "—"
        )


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
    fields = ["position", "heading", "body", "editor_note", "points"]
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
    list_filter = [PublicationFilter, ReviewDueFilter, "author"]
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
class AuthorAdmin(KeepsRelatedItems, FormattedTextAdmin, RevisionAdmin):
    list_display = ["name", "role", "portrait"]
    list_select_related = ["picture"]
    autocomplete_fields = ["picture"]
    search_fields = ["name", "role", "bio"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "role", "bio", "picture", "portrait"]
    readonly_fields = ["portrait"]

    @admin.display(description="Photo")
    def portrait(self, author):
        picture = author.picture
        return thumbnail(picture.image, alt=picture.alt_text) if picture else "—"


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
