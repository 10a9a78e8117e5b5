from points.models.aliases import AliasKind, PointAlias
from points.models.articles import Article, ArticleReference, ArticleSection, Author
from points.models.choices import (
    BodyArea,
    Channel,
    Confidence,
    MapView,
    Posture,
    Pressure,
    Sides,
)
from points.models.comments import (
    Comment,
    CommentStatus,
    Outcome,
    ResultReport,
    ResultSummary,
)
from points.models.disclaimer import Disclaimer
from points.models.drafts import PendingChange
from points.models.pictures import Picture, PictureMarker, PointPicture
from points.models.points import Condition, Point, PointReference
from points.models.publishing import PageRedirect, Publishable, PublishableQuerySet, Status
from points.models.routines import RoutineStep
from points.models.sources import Reference, Reviewer


def next_publication():
    """When the next scheduled page goes live, or None when nothing is scheduled."""
    moments = (model.objects.next_publication() for model in (Article, Point))
    return min(filter(None, moments), default=None)


__all__ = [
    "AliasKind",
    "Article",
    "ArticleReference",
    "ArticleSection",
    "Author",
    "BodyArea",
    "Channel",
    "Comment",
    "CommentStatus",
    "Condition",
    "Confidence",
    "Disclaimer",
    "MapView",
    "Outcome",
    "PageRedirect",
    "PendingChange",
    "Picture",
    "PictureMarker",
    "Point",
    "PointAlias",
    "PointPicture",
    "PointReference",
    "Posture",
    "Pressure",
    "Publishable",
    "PublishableQuerySet",
    "Reference",
    "ResultReport",
    "ResultSummary",
    "Reviewer",
    "RoutineStep",
    "Sides",
    "Status",
    "next_publication",
]
