"""The editors' workspace. Editors are not programmers: every screen groups its fields, explains
them in plain words, and shows pictures as thumbnails."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html

from points.comments import notify_reader_of_reply
from points.models import (
    Article,
    ArticleSection,
    Author,
    Comment,
    CommentStatus,
    Condition,
    Disclaimer,
    Point,
    PointAlias,
    PointImage,
    ResultReport,
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


class PointImageInline(admin.StackedInline):
    model = PointImage
    extra = 0
    fields = ["preview", "image", "alt_text", "caption", "credit", "position"]
    readonly_fields = ["preview"]

    @admin.display(description="Current picture")
    def preview(self, image):
        return thumbnail(image.image, alt=image.alt_text, size=160)


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
        "position",
    ]
    list_display_links = ["code", "pinyin"]
    list_editable = ["position"]
    list_filter = ["status", "body_area", "channel", "confidence", "conditions"]
    search_fields = ["code", "pinyin", "english_name", "chinese_name", "aliases__name"]
    prepopulated_fields = {"slug": ["code", "pinyin"]}
    filter_horizontal = ["conditions"]
    date_hierarchy = "published_at"
    inlines = [PointAliasInline, PointImageInline]
    fieldsets = [
        ("Name", {"fields": ["code", "pinyin", "chinese_name", "english_name", "slug"]}),
        (
            "Where it is",
            {
                "fields": [
                    "channel",
                    "body_area",
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
                "fields": ["map_view", ("map_x", "map_y")],
                "description": "Where the point's marker sits on the body picture.",
            },
        ),
        ("Publishing", {"fields": ["status", "published_at", "position"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("images")

    @admin.display(description="Picture")
    def picture(self, point):
        images = point.images.all()
        return thumbnail(images[0].image, alt=images[0].alt_text) if images else "—"


@admin.register(PointImage)
class PointImageAdmin(admin.ModelAdmin):
    list_display = ["preview", "alt_text", "point", "caption", "position"]
    list_display_links = ["preview", "alt_text"]
    list_filter = ["point"]
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
    list_display = ["title", "author", "status", "published_at", "updated_at"]
    list_filter = ["status", "author"]
    search_fields = ["title", "summary", "intro", "sections__heading", "sections__body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author"]
    date_hierarchy = "published_at"
    list_select_related = ["author"]
    inlines = [ArticleSectionInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "summary"]}),
        ("Text", {"fields": ["intro", "intro_note", "closing", "closing_note"]}),
        ("Publishing", {"fields": ["status", "published_at"]}),
    ]


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
        self.message_user(request, f"Approved {changed} comment(s).", messages.SUCCESS)

    @admin.action(description="Mark selected comments as spam (hide them)")
    def mark_as_spam(self, request, queryset):
        changed = queryset.exclude(status=CommentStatus.SPAM).update(
            status=CommentStatus.SPAM, spam_reason="Marked as spam by an editor."
        )
        self.message_user(request, f"Marked {changed} comment(s) as spam.", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        if "reply" in form.changed_data:
            obj.replied_at = timezone.now() if obj.reply else None
            obj.replied_by = request.user if obj.reply else None
        super().save_model(request, obj, form, change)
        notify_reader_of_reply(obj)
