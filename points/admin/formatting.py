"""Editors' formatted text in the admin: the text box with its help panel and live preview
(static/admin/formatted-text.js), the preview endpoint the script posts to, and a warning after
saving when a text links to a point readers cannot open or places a picture not in the
library."""

from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminTextareaWidget
from django.http import JsonResponse
from django.urls import reverse, reverse_lazy
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from points import formatting
from points.models.fields import FormattedTextField


class FormattedTextarea(AdminTextareaWidget):
    """A text box for formatted text: the syntax in a help panel (works without JavaScript)
    and, with JavaScript, a preview that follows the typing."""

    template_name = "points/widgets/formatted_text.html"

    class Media:
        js = ["admin/formatted-text.js"]
        css = {"all": ["admin/formatted-text.css"]}

    def __init__(self, attrs=None):
        preview = {
            "data-formatted-text": "",
            "data-preview-url": reverse_lazy("formatting-preview"),
        }
        super().__init__(attrs={**preview, **(attrs or {})})

    def get_context(self, name, value, attrs):
        """The preview of the text as it is, rendered here: it shows without JavaScript, and
        opening a form sends no burst of preview requests (the script asks only as one types)."""
        context = super().get_context(name, value, attrs)
        context["widget"]["picture_library_url"] = reverse("admin:points_picture_changelist")
        text = context["widget"]["value"] or ""
        if text.strip() and "__prefix__" not in name:
            html = formatting.prepare(text).render(
                formatting.PointLinks(), editor=True, pictures=formatting.PlacedPictures()
            )
            context["widget"]["preview_html"] = mark_safe(html)  # noqa: S308 - nh3 cleaned it
        return context


FORMATTED_TEXT_WIDGETS = {FormattedTextField: {"widget": FormattedTextarea}}


class FormattedTextInline:
    """For an inline whose model has formatted text (sections of an article)."""

    formfield_overrides = FORMATTED_TEXT_WIDGETS


class FormattedTextAdmin(FormattedTextInline):
    """For a model admin: formatted text boxes, and after saving, a warning for every link to
    a point that readers would see as plain words (in the page or in its inlines)."""

    def warns_about_links(self, request):
        """Whether this save tells the editor about links readers would see as plain words
        (not a preview's rolled-back save: see DraftsAdminMixin)."""
        return True

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not self.warns_about_links(request):
            return
        rows = [form.instance]
        for formset in formsets:
            rows += [inline.instance for inline in formset.forms if inline.instance.pk]
        point_links, pictures = formatting.PointLinks(), formatting.PlacedPictures()
        for row in rows:
            for field, targets, missing in unresolved_links(row, point_links, pictures):
                where = (
                    field.verbose_name if row is form.instance else f"{row}: {field.verbose_name}"
                )
                if targets:
                    messages.warning(request, unresolved_message(where, targets))
                if missing:
                    messages.warning(request, missing_pictures_message(where, missing))


def unresolved_links(row, point_links, pictures):
    """[(field, [targets], [picture numbers])] for the formatted fields of `row` with point
    links that do not resolve to a published point, or pictures not in the library."""
    found = []
    for field in row._meta.fields:
        if isinstance(field, FormattedTextField):
            text = getattr(row, field.attname)
            if "[[" not in text:
                continue
            prepared = formatting.prepare(text)
            targets = prepared.unresolved(point_links)
            missing = prepared.missing_pictures(pictures)
            if targets or missing:
                found.append((field, targets, missing))
    return found


def missing_pictures_message(where, numbers):
    names = ", ".join(f"[[picture:{number}]]" for number in numbers)
    return (
        f"In “{where}”, {names}: there is no such picture in the picture library, so readers "
        "see nothing there. A picture deleted lately is in the trash, where it can be "
        "recovered; otherwise copy the code from the picture's page in the library."
    )


def unresolved_message(where, targets):
    names = ", ".join(f"[[{target}]]" for target in targets)
    verb = "does" if len(targets) == 1 else "do"
    return (
        f"In “{where}”, {names} {verb} not match a published point (by code, pinyin or "
        "English name): readers see plain words there, not a link, until such a point is "
        "published."
    )


@require_POST
def preview(request):
    """The HTML readers would get for the posted text, with links to points that readers
    cannot open marked. For staff only, with the CSRF token (admin.site.admin_view)."""
    text = request.POST.get("text", "")
    if len(text) > formatting.MAX_LENGTH:
        message = f"This text is too long to show: at most {formatting.MAX_LENGTH:,} characters."
        return JsonResponse({"error": message}, status=400)
    prepared = formatting.prepare.__wrapped__(text)  # not memoised: every keystroke differs
    point_links = formatting.PointLinks()
    pictures = formatting.PlacedPictures()
    return JsonResponse(
        {
            "html": prepared.render(point_links, editor=True, pictures=pictures),
            "unresolved": prepared.unresolved(point_links) if prepared.links else [],
        }
    )


preview_view = admin.site.admin_view(preview)
