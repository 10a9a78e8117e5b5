from points.models.articles import Article, ArticleSection, Author
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
    "Condition",
    "Confidence",
    "Disclaimer",
    "MapView",
    "Point",
    "PointAlias",
    "PointImage",
    "Posture",
    "Pressure",
    "Publishable",
    "PublishableQuerySet",
    "Sides",
    "Status",
]
