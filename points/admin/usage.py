"""Where an item is used, in plain sentences for the delete confirmation: "Linked from section
9 “Urinary Bladder 62” of “Acupressure points for back pain”; 3 approved comments" rather
than Django's raw list of rows."""

import re

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.db import router
from django.template.defaultfilters import pluralize
from django.urls import NoReverseMatch, reverse

from points import formatting
from points.models import (
    Article,
    ArticleSection,
    Author,
    Comment,
    Condition,
    PendingChange,
    Picture,
    Point,
    Reference,
    Reviewer,
)
from points.models.fields import FormattedTextField
from points.models.publishing import is_published
from points.routine import articles_whose_routine_has


def names(objs, limit=5):
    shown = [f"“{obj}”" for obj in objs[:limit]]
    more = len(objs) - limit
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def counted(count, singular, plural=None):
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def comment_sentences(comments):
    total = comments.count()
    approved = comments.approved().count()
    others = total - approved
    sentences = []
    if approved:
        sentences.append(f"{counted(approved, 'approved comment')} shown on the page")
    if others:
        sentences.append(f"{counted(others, 'other comment')} (waiting, or held as spam)")
    if total:
        its = "Its comment comes" if total == 1 else f"Its {total} comments come"
        sentences.append(f"{its} back with it, without the readers' email addresses")
    return sentences


def where_used(obj):
    """Sentences saying where `obj` is used and what goes with it."""
    describe = DESCRIBERS.get(type(obj))
    return describe(obj) if describe else []


def point_usage(point):
    sentences = [
        f"Linked from section {section.position} “{section.heading}” of “{section.article}”"
        for section in point.sections.select_related("article").order_by("article", "position")
    ]
    conditions = list(point.conditions.all())
    if conditions:
        sentences.append(
            f"Listed under {counted(len(conditions), 'condition')}: {names(conditions)}"
        )
    pictures = point.pictures.count()
    if pictures:
        which = "it stays" if pictures == 1 else "they stay"
        sentences.append(
            f"Shows {counted(pictures, 'picture')} from the library ({which} in the library)"
        )
    markers = point.picture_markers.count()
    if markers:
        which = "which goes" if markers == 1 else "which go"
        sentences.append(f"Marked by {counted(markers, 'marker')} on pictures, {which} with it")
    sentences += [
        f"A step of the guided routine of “{step.article}”, which it comes back to"
        for step in point.routine_steps.select_related("article").order_by("article")
    ]
    aliases = point.aliases.count()
    if aliases:
        sentences.append(f"Has {counted(aliases, 'other name')} readers can search for")
    return sentences + comment_sentences(Comment.objects.filter(point=point))


def while_not_public(page):
    """What readers miss elsewhere while `page` is off the site, in sentences: for a point,
    the articles that link to it (its name shows as plain words there) and the guided routines
    it is a step of (they leave it out)."""
    if not isinstance(page, Point):
        return []
    # Only articles readers can see lose something.
    sections = page.sections.filter(is_published(through="article__"))
    sections = sections.select_related("article").order_by("article", "position")
    linking = list(dict.fromkeys(section.article for section in sections))
    routines = list(articles_whose_routine_has(page).order_by("pk"))
    sentences = []
    if linking:
        show = "shows" if len(linking) == 1 else "show"
        sentences.append(f"{names(linking)} {show} its name as plain words, not as a link")
    if routines:
        sentences.append(f"the guided routine of {names(routines)} leaves it out")
    return sentences


def article_usage(article):
    sentences = [f"Has {counted(article.sections.count(), 'section')}, which go with it"]
    return sentences + comment_sentences(Comment.objects.filter(article=article))


def author_usage(author):
    articles = list(author.articles.all())
    if not articles:
        return []
    return [f"Named as the author of {counted(len(articles), 'article')}: {names(articles)}"]


def condition_usage(condition):
    points = list(condition.points.all())
    if not points:
        return []
    return [f"Listed on the page{pluralize(len(points))} of {names(points)}"]


def picture_usage(picture):
    sentences = [
        f"Placed in {where}: readers will see nothing there until it is recovered"
        for where, _ in picture_text_uses(picture)
    ]
    sentences += [
        f"Chosen in the unpublished changes of “{page}”: publishing them will ask for another "
        "picture"
        for page in picture_draft_uses(picture)
    ]
    markers = picture.markers.count()
    if markers:
        sentences.append(f"Has {counted(markers, 'marker')}, which go with it")
    return sentences


def picture_draft_uses(picture):
    """The pages whose unpublished changes (a draft) show `picture`."""
    pages = []
    for pending in PendingChange.objects.all():
        data = pending.form_data
        rows = {
            name.rsplit("-", 1)[0]
            for name, values in data.items()
            if PICTURE_CHOICE.fullmatch(name) and str(picture.pk) in values
        }
        if any(not data.get(f"{row}-DELETE") for row in rows):
            pages.append(pending.page)
    return pages


# A point's picture choice in a draft's form data: "pictures-0-picture".
PICTURE_CHOICE = re.compile(r"pictures-\d+-picture")


def placements():
    """(row, field, {picture numbers}) for every formatted text that places a picture, read by
    the same parser that places them (points/formatting.py): a "[[picture:12]]" that is not on
    a line of its own shows nothing, so it is not a use."""
    for model in apps.get_app_config("points").get_models():
        for f in model._meta.concrete_fields:
            if not isinstance(f, FormattedTextField):
                continue
            for row in model._base_manager.filter(**{f"{f.attname}__icontains": "[[picture:"}):
                text = getattr(row, f.attname)
                numbers = {place.picture_id for place in formatting.prepare(text).pictures}
                if numbers:
                    yield row, f, numbers


def placed_picture_ids():
    """The numbers of the pictures the site's formatted texts place, each once."""
    return {number for _, _, numbers in placements() for number in numbers}


def picture_text_uses(picture):
    """[(where, row)] for the formatted texts that place `picture` ([[picture:12]]), e.g.
    ("section 2 “Lower Back Points” of “Acupressure points…”", the section)."""
    return [(where_text(row, f), row) for row, f, numbers in placements() if picture.pk in numbers]


def where_text(row, field):
    if hasattr(row, "article") and hasattr(row, "heading"):
        return f"section {row.position} “{row.heading}” of “{row.article}”"
    return f"{field.verbose_name} of “{row}”"


def reference_usage(reference):
    cited = [*reference.points.all(), *reference.articles.all()]
    return [f"Cited by {names(cited)}"] if cited else []


def reviewer_usage(reviewer):
    reviewed = [
        *Point.objects.filter(reviewer=reviewer),
        *Article.objects.filter(reviewer=reviewer),
    ]
    if not reviewed:
        return []
    return [f"Named as reviewer of {names(reviewed)} (the pages will name no reviewer)"]


DESCRIBERS = {
    Point: point_usage,
    Article: article_usage,
    Author: author_usage,
    Condition: condition_usage,
    Picture: picture_usage,
    Reference: reference_usage,
    Reviewer: reviewer_usage,
}


# Rows edited on another item's change form (an inline), by the field that leads to it.
EDITED_ON = {ArticleSection: "article"}


# How an item that cannot be deleted is still used, by the kind of item.
STILL_USED_VERBS = {
    Reference: "cited by",
    Author: "named as the author of",
    Picture: "shown by",
}


def still_used_by(obj):
    """(verb, [(page, change form address)]) for the pages that keep `obj` from being deleted
    (a reference they cite, an author of articles): one entry a page, not one a row."""
    collector = NestedObjects(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    pages = {}
    for row in collector.protected:
        page = getattr(row, "point", None) or getattr(row, "article", None) or row
        pages.setdefault((type(page), page.pk), page)
    listed = sorted(pages.values(), key=lambda page: (type(page).__name__, str(page)))
    return STILL_USED_VERBS.get(type(obj), "used by"), [(page, change_url(page)) for page in listed]


def change_url(obj):
    """The admin address where `obj` is edited: its own change form, or for a row edited on
    another item's form (a section of an article), that item's."""
    if not admin.site.is_registered(type(obj)):
        parent = EDITED_ON.get(type(obj))
        return change_url(getattr(obj, parent)) if parent else None
    try:
        return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return None
