"""Where an item is used, in plain sentences for the delete confirmation: "Linked from section
9 “Urinary Bladder 62” of “Acupressure points for back pain”; 3 approved comments" rather
than Django's raw list of rows."""

from django.template.defaultfilters import pluralize

from points.models import (
    Article,
    Author,
    Comment,
    Condition,
    Point,
    PointImage,
    Reference,
    Reviewer,
)


def names(objs, limit=5):
    shown = [f"“{obj}”" for obj in objs[:limit]]
    more = len(objs) - limit
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def counted(count, singular, plural=None):
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def comment_sentences(comments):
    approved = comments.approved().count()
    others = comments.count() - approved
    sentences = []
    if approved:
        sentences.append(f"{counted(approved, 'approved comment')} shown on the page")
    if others:
        sentences.append(f"{counted(others, 'other comment')} (waiting, or held as spam)")
    if sentences:
        sentences.append(
            "Its comments are deleted with it and do not come back when it is recovered"
        )
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
    pictures = point.images.count()
    if pictures:
        which = "which goes" if pictures == 1 else "which go"
        sentences.append(f"Has {counted(pictures, 'picture')}, {which} to the trash with it")
    aliases = point.aliases.count()
    if aliases:
        sentences.append(f"Has {counted(aliases, 'other name')} readers can search for")
    return sentences + comment_sentences(Comment.objects.filter(point=point))


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
    return [f"Shown on the page of “{picture.point}”"]


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
    PointImage: picture_usage,
    Reference: reference_usage,
    Reviewer: reviewer_usage,
}
