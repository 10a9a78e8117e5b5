"""The editors' workspace. Editors are not programmers: every screen groups its fields, explains
them in plain words, and shows pictures as thumbnails."""

from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import Count
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from points.body_map import FIGURES
from points.comments import notify_reader_of_reply
from points.models import (
    Article,
    ArticleReference,
    ArticleSection,
    Author,
    Comment,
    CommentStatus,
    Condition,
    Disclaimer,
    PageRedirect,
    Point,
    PointAlias,
    PointImage,
    PointReference,
    Reference,
    ResultReport,
    Reviewer,
)
from points.page_cache import content_changed


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


class PointAliasInline(admin.TabularInline):
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


class PictureFormMixin:
    """A picture's form, wherever it is edited: the picture itself is a click target, and
    static/admin/marker-picker.js writes the clicked spot, in percent, into the marker fields."""

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


class PointImageInline(PictureFormMixin, admin.StackedInline):
    model = PointImage
    extra = 0
    fields = PICTURE_FIELDS


class PointReferenceInline(admin.TabularInline):
    model = PointReference
    extra = 0
    autocomplete_fields = ["reference"]
    verbose_name = "source"
    verbose_name_plural = "Sources (cite them in the text as [1], [2], ...)"


class ArticleReferenceInline(PointReferenceInline):
    model = ArticleReference


@admin.register(Point)
class PointAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "pinyin",
        "english_name",
        "body_area",
        "picture",
        "status",
        "published_at",
        "next_review_due",
        "position",
    ]
    list_display_links = ["code", "pinyin"]
    list_editable = ["position"]
    list_filter = ["status", ReviewDueFilter, "body_area", "channel", "confidence", "conditions"]
    search_fields = ["code", "pinyin", "english_name", "chinese_name", "aliases__name"]
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

    @admin.display(description="Picture")
    def picture(self, point):
        images = point.images.all()
        return thumbnail(images[0].image, alt=images[0].alt_text) if images else "—"


@admin.register(PointImage)
class PointImageAdmin(PictureFormMixin, admin.ModelAdmin):
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
class ConditionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "point_count"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(point_count=Count("points"))

    @admin.display(description="Points", ordering="point_count")
    def point_count(self, condition):
        return condition.point_count


class ArticleSectionInline(admin.StackedInline):
    model = ArticleSection
    extra = 0
    fields = ["position", "heading", "body", "editor_note", "points"]
    autocomplete_fields = ["points"]
    verbose_name_plural = "Sections, in reading order (change the position numbers to reorder)"


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "status", "published_at", "next_review_due", "updated_at"]
    list_filter = ["status", ReviewDueFilter, "author"]
    search_fields = ["title", "summary", "intro", "sections__heading", "sections__body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author"]
    date_hierarchy = "published_at"
    list_select_related = ["author"]
    inlines = [ArticleSectionInline, ArticleReferenceInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "summary"]}),
        (
            "Text",
            {"fields": ["intro", "intro_note", "see_a_doctor", "closing", "closing_note"]},
        ),
        PUBLISHING_FIELDSET,
    ]


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["title", "authors", "year", "publication"]
    search_fields = ["title", "authors", "publication", "doi"]
    list_filter = ["year"]


@admin.register(Reviewer)
class ReviewerAdmin(admin.ModelAdmin):
    list_display = ["name", "credential"]
    search_fields = ["name", "credential"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "portrait"]
    search_fields = ["name", "role", "bio"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(description="Photo")
    def portrait(self, author):
        return thumbnail(author.photo, alt=author.photo_alt_text)


@admin.register(Disclaimer)
class DisclaimerAdmin(admin.ModelAdmin):
    """The disclaimer is a single text: it can be edited, never deleted or duplicated."""

    list_display = ["title", "short_notice", "updated_at"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Disclaimer.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class ResultReportInline(admin.TabularInline):
    model = ResultReport
    extra = 0
    autocomplete_fields = ["point"]
    verbose_name = "result report"
    verbose_name_plural = "Result reports (counted on the point's page once approved)"


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """The moderation queue: newest first, waiting comments on top by default filter."""

    list_display = ["excerpt", "name", "page", "result", "status", "created_at", "has_reply"]
    list_display_links = ["excerpt"]
    list_filter = ["status", "point", "article", "created_at"]
    search_fields = ["name", "text", "reply"]
    list_select_related = ["point", "article"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    actions = ["approve", "mark_as_spam"]
    inlines = [ResultReportInline]
    readonly_fields = ["page_link", "created_at", "spam_reason", "replied_at", "replied_by"]
    fieldsets = [
        (
            None,
            {"fields": ["status", "page_link", "created_at", "spam_reason", "name", "text"]},
        ),
        (
            "The site's reply",
            {
                "fields": ["reply", "replied_at", "replied_by"],
                "description": "Shown under the comment. If the reader asked, they are emailed "
                "once when a reply is first saved.",
            },
        ),
        (
            "Private (never shown)",
            {"fields": ["email", "notify_on_reply"], "classes": ["collapse"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("reports__point")

    def has_add_permission(self, request):
        return False  # Comments come from readers; editors reply to them.

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return comment.excerpt

    @admin.display(description="Page")
    def page(self, comment):
        return comment.point.code if comment.point else comment.article

    @admin.display(description="Page")
    def page_link(self, comment):
        return format_html('<a href="{}">{}</a>', comment.get_absolute_url(), comment.page)

    @admin.display(description="Result")
    def result(self, comment):
        reports = comment.reports.all()
        return ", ".join(f"{r.point.code}: {r.get_outcome_display()}" for r in reports) or "—"

    @admin.display(description="Replied", boolean=True)
    def has_reply(self, comment):
        return bool(comment.reply)

    @admin.action(description="Approve selected comments (publish them)")
    def approve(self, request, queryset):
        changed = queryset.exclude(status=CommentStatus.APPROVED).update(
            status=CommentStatus.APPROVED
        )
        content_changed()
        self.message_user(request, f"Approved {changed} comment(s).", messages.SUCCESS)

    @admin.action(description="Mark selected comments as spam (hide them)")
    def mark_as_spam(self, request, queryset):
        changed = queryset.exclude(status=CommentStatus.SPAM).update(
            status=CommentStatus.SPAM, spam_reason="Marked as spam by an editor."
        )
        content_changed()
        self.message_user(request, f"Marked {changed} comment(s) as spam.", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        if "reply" in form.changed_data:
            obj.replied_at = timezone.now() if obj.reply else None
            obj.replied_by = request.user if obj.reply else None
        super().save_model(request, obj, form, change)
        notify_reader_of_reply(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        content_changed()  # after the comment and its reports are saved

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        content_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        content_changed()


@admin.register(PageRedirect)
class PageRedirectAdmin(admin.ModelAdmin):
    """Old addresses of renamed pages. Made automatically when a slug changes; editors can add
    one by hand for any other moved address."""

    list_display = ["old_path", "new_path", "created_at"]
    search_fields = ["old_path", "new_path"]
