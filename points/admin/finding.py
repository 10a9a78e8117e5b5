"""One search box for everything editors write: the admin home's "Find anything" asks every
content list the editor may see with that list's own search (ModelAdmin.search_fields, through
Django's get_search_results), so a word finds the points, articles, pictures, authors and
sources that hold it, each list searched the way its own search box searches it."""

from django.apps import apps
from django.contrib.admin.views.main import SEARCH_VAR
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode

from points.admin.usage import change_url
from points.search import suggest

# The lists searched, in the order their results are shown (the comments' own list has its own
# search: readers' words are not content).
SEARCHED = [
    "point",
    "article",
    "picture",
    "condition",
    "author",
    "reference",
    "reviewer",
]
SHOWN_PER_KIND = 8


def find_anything(request, site):
    query = request.GET.get("q", "").strip()[:200]
    groups = []
    for name in SEARCHED if query else []:
        model = apps.get_model("points", name)
        model_admin = site._registry.get(model)
        if not (model_admin and model_admin.search_fields):
            continue
        if not model_admin.has_view_permission(request):
            continue
        queryset, may_repeat = model_admin.get_search_results(
            request, model_admin.get_queryset(request), query
        )
        found = list((queryset.distinct() if may_repeat else queryset)[: SHOWN_PER_KIND + 1])
        if found:
            changelist = reverse(f"admin:points_{name}_changelist", current_app=site.name)
            groups.append(
                {
                    "kind": model._meta.verbose_name_plural,
                    "items": [(obj, change_url(obj)) for obj in found[:SHOWN_PER_KIND]],
                    "more": len(found) > SHOWN_PER_KIND,
                    "all_url": f"{changelist}?{urlencode({SEARCH_VAR: query})}",
                }
            )
    context = {
        **site.each_context(request),
        "title": f"Find “{query}”" if query else "Find anything",
        "query": query,
        "groups": groups,
        # Close spellings of the names readers search for, as the site's search offers them.
        "suggestions": suggest(query) if query and not groups else [],
    }
    return TemplateResponse(request, "admin/points/find_anything.html", context)
