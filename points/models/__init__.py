from points.models.articles import Article, ArticleSection, Author
from points.models.comments import (
    Comment,
    CommentStatus,
    Outcome,
    ResultReport,
    ResultSummary,
)
from points.models.disclaimer import Disclaimer
from points.models.points import (
    AliasKind,
    BodyArea,
    Channel,
    Condition,
    Confidence,
    MapView,
    Point,
    PointAlias,
    PointImage,
    Posture,
    Pressure,
    Sides,
)
from points.models.publishing import Publishable, PublishableQuerySet, Status

__all__ = [
    "AliasKind",
    "Article",
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
    "Point",
    "PointAlias",
    "PointImage",
    "Posture",
    "Pressure",
    "Publishable",
    "PublishableQuerySet",
    "ResultReport",
    "ResultSummary",
    "Sides",
    "Status",
]
