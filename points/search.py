"""Site search: readers type a code in any numbering ("UB23", "B23", "bl 23"), a Chinese or
English name ("Shenshu", "kidney"), or a complaint ("sciatica"), and the best match comes first.

A reader's everyday words find the site's ("pregnant" finds the cautions about pregnancy,
"backache" back pain: points.everyday_words), and cautions are searched with the rest of a
point's text. A search that finds nothing suggests only close spellings (one or two letters
off), never a name that merely shares letters.

Ranking is the same on every database: an exact code, alias or name match beats a name that
starts with the query, which beats a match in a name, which beats a match in the text. On
PostgreSQL, full-text search (with stemming: "pains" finds "pain") picks the text matches.
"""

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q

from points.everyday_words import EVERYDAY_WORDS, edit_distance, search_terms
from points.models import Article, ArticleSection, Condition, Point

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
    terms = search_terms(query)
    results.points = search_points(terms)
    results.conditions = list(
        Condition.objects.with_published_points().filter(
            any_of(terms, "name__icontains", "description__icontains")
        )
    )
    results.articles = list(
        Article.objects.published()
        .filter(
            any_of(
                terms,
                "title__icontains",
                "summary__icontains",
                "intro__icontains",
                "sections__heading__icontains",
                "sections__body__icontains",
            )
        )
        .select_related("author")
        .distinct()
    )
    add_matching_sections(results.articles, terms)
    if not results.count:
        results.suggestions = suggest(query)
    return results


def add_matching_sections(articles, terms):
    """Give each article `matching_sections`: its sections whose heading or text matches, in
    reading order, so a result can lead straight to the place (one query for all)."""
    by_article = {article.pk: article for article in articles}
    for article in articles:
        article.matching_sections = []
    sections = ArticleSection.objects.filter(
        any_of(terms, "heading__icontains", "body__icontains"), article__in=articles
    ).order_by("article", "position", "pk")
    for section in sections:
        article = by_article[section.article_id]
        section.article = article  # its address is the article's, with the section's anchor
        article.matching_sections.append(section)


def any_of(terms, *lookups):
    """A Q matching any of the terms in any of the fields."""
    match = Q(pk__in=[])
    for term in terms:
        for lookup in lookups:
            match |= Q(**{lookup: term})
    return match


POINT_NAMES = (
    "aliases__name__icontains",
    "pinyin__icontains",
    "english_name__icontains",
    "chinese_name__icontains",
    "conditions__name__icontains",
)
POINT_TEXT = (
    "summary",
    "where_short",
    "location",
    "how_to_find",
    "technique_notes",
    "said_to_help",
    "contraindications",
    "cautions",
)


def search_points(terms):
    """Published points matching any of the terms, best first."""
    name_match = any_of(terms, "code__iexact", *POINT_NAMES)
    candidates = (
        Point.objects.published()
        .filter(name_match | text_match_for(terms))
        .distinct()
        .with_pictures()
        .prefetch_related("aliases", "conditions")
    )
    scored = [(max(score(point, term) for term in terms), point) for point in candidates]
    scored.sort(key=lambda pair: (-pair[0], pair[1].position, pair[1].code))
    return [point for _, point in scored]


def text_match_for(terms):
    """Points whose text (cautions included) mentions a term: full-text on PostgreSQL,
    substring elsewhere."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        found = SearchQuery(terms[0], search_type="websearch")
        for term in terms[1:]:
            found |= SearchQuery(term, search_type="websearch")
        ids = (
            Point.objects.annotate(document=SearchVector(*POINT_TEXT))
            .filter(document=found)
            .values("pk")
        )
        return Q(pk__in=ids)
    return any_of(terms, *(f"{name}__icontains" for name in POINT_TEXT))


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
    """Close spellings of names the site knows, for a search that found nothing: a name, or a
    word of one, at most one letter off (two in words of seven letters or more)."""
    vocabulary = {}  # a name or a word of one (casefolded) -> the name to suggest
    names = list(EVERYDAY_WORDS)
    for point in Point.objects.published().prefetch_related("aliases"):
        names += [point.code, point.pinyin, point.english_name]
        names += [alias.name for alias in point.aliases.all()]
    names += Condition.objects.with_published_points().values_list("name", flat=True)
    for name in filter(None, names):
        vocabulary.setdefault(name.casefold(), name)
        for word in name.split():
            if len(word) >= 4:
                vocabulary.setdefault(word.casefold(), name)
    wanted = query.casefold()
    allowed = 1 if len(wanted) < 7 else 2
    close = sorted(
        (distance, suggestion)
        for word, suggestion in vocabulary.items()
        if abs(len(word) - len(wanted)) <= allowed
        and 0 < (distance := edit_distance(wanted, word)) <= allowed
    )
    return list(dict.fromkeys(suggestion for _, suggestion in close))[:limit]
