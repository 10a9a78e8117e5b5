"""Site search: readers type a code in any numbering ("UB23", "B23", "bl 23"), a Chinese or
English name ("Shenshu", "kidney"), or a complaint ("sciatica"), and the best match comes first.

Ranking is the same on every database: an exact code, alias or name match beats a name that
starts with the query, which beats a match in a name, which beats a match in the text. On
PostgreSQL, full-text search (with stemming: "pains" finds "pain") picks the text matches.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q

from points.models import Article, Condition, Point

EXACT, PREFIX, NAME, TEXT = 100, 60, 30, 10
CODE_SHAPE = re.compile(r"^([a-z]+)[\s\-_.]*(\d+)$", re.IGNORECASE)
MAX_QUERY_LENGTH = 100


@dataclass
class SearchResults:
    query: str
    points: list = field(default_factory=list)
    articles: list = field(default_factory=list)
    conditions: list = field(default_factory=list)
    suggestions: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.points) + len(self.articles) + len(self.conditions)


def normalise(query):
    """Collapse spacing; write code-shaped queries as codes are stored ("bl 23" -> "BL23")."""
    query = " ".join(query.replace("\x00", "").split())[:MAX_QUERY_LENGTH]
    match = CODE_SHAPE.match(query)
    return f"{match.group(1).upper()}{match.group(2)}" if match else query


def search(raw_query):
    query = normalise(raw_query)
    results = SearchResults(query=query)
    if len(query) < 2:
        return results
    results.points = search_points(query)
    results.conditions = list(
        Condition.objects.with_published_points().filter(
            Q(name__icontains=query) | Q(description__icontains=query)
        )
    )
    results.articles = list(
        Article.objects.published()
        .filter(
            Q(title__icontains=query)
            | Q(summary__icontains=query)
            | Q(intro__icontains=query)
            | Q(sections__heading__icontains=query)
            | Q(sections__body__icontains=query)
        )
        .select_related("author")
        .distinct()
    )
    if not results.count:
        results.suggestions = suggest(query)
    return results


def search_points(query):
    """Published points matching the query, best first."""
    name_match = (
        Q(code__iexact=query)
        | Q(aliases__name__icontains=query)
        | Q(pinyin__icontains=query)
        | Q(english_name__icontains=query)
        | Q(chinese_name__icontains=query)
        | Q(conditions__name__icontains=query)
    )
    text_match = text_match_for(query)
    candidates = (
        Point.objects.published()
        .filter(name_match | text_match)
        .distinct()
        .prefetch_related("aliases", "images", "conditions")
    )
    scored = [(score(point, query), point) for point in candidates]
    scored.sort(key=lambda pair: (-pair[0], pair[1].position, pair[1].code))
    return [point for _, point in scored]


def text_match_for(query):
    """Points whose text mentions the query: full-text on PostgreSQL, substring elsewhere."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("summary", "location", "how_to_find", "said_to_help")
        ids = (
            Point.objects.annotate(document=vector)
            .filter(document=SearchQuery(query, search_type="websearch"))
            .values("pk")
        )
        return Q(pk__in=ids)
    return (
        Q(summary__icontains=query)
        | Q(location__icontains=query)
        | Q(how_to_find__icontains=query)
        | Q(said_to_help__icontains=query)
    )


def score(point, query):
    """How well a point matches: the best of its names, else a text match."""
    wanted = query.casefold()
    names = [point.code, point.pinyin, point.english_name, point.chinese_name]
    names += [alias.name for alias in point.aliases.all()]
    names += [condition.name for condition in point.conditions.all()]
    best = TEXT
    for name in filter(None, names):
        name = name.casefold()
        if name == wanted:
            return EXACT
        if name.startswith(wanted):
            best = max(best, PREFIX)
        elif wanted in name:
            best = max(best, NAME)
    return best


def suggest(query, *, limit=5):
    """Close spellings of things the site knows about, for a search that found nothing."""
    vocabulary = {}
    for point in Point.objects.published().prefetch_related("aliases"):
        for name in [point.code, point.pinyin, point.english_name]:
            vocabulary[name.casefold()] = name
        for alias in point.aliases.all():
            vocabulary[alias.name.casefold()] = alias.name
    for name in Condition.objects.with_published_points().values_list("name", flat=True):
        vocabulary[name.casefold()] = name
    matches = difflib.get_close_matches(query.casefold(), vocabulary, n=limit, cutoff=0.6)
    return [vocabulary[match] for match in matches]
