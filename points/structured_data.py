"""schema.org descriptions of pages for search engines (JSON-LD), built from the same rows the
page shows."""

from django.templatetags.static import static

from points.formatting import plain_text
from points.site_urls import absolute_url as absolute


def breadcrumbs(request, trail):
    """trail: [(name, path), ...] from the home page down to this page."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": number, "name": name, "item": absolute(request, path)}
            for number, (name, path) in enumerate(trail, start=1)
        ],
    }


def article(request, article, *, image_path=None):
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": article.title,
        "description": article.summary,
        "url": absolute(request, article.get_absolute_url()),
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "author": {
            "@type": "Person",
            "name": article.author.name,
            "url": absolute(request, article.author.get_absolute_url()),
        },
        "image": absolute(request, image_path or static("og-default.png")),
    }
    if article.last_reviewed:
        data["lastReviewed"] = article.last_reviewed.isoformat()
    return data


def point(request, point):
    uses = point.pictures.all()
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": f"{point.code} {point.pinyin} ({point.english_name})",
        "description": point.summary,
        "url": absolute(request, point.get_absolute_url()),
        "dateModified": point.updated_at.isoformat(),
        "about": {
            "@type": "AnatomicalStructure",
            "name": f"Acupressure point {point.code} ({point.pinyin})",
            "description": plain_text(point.location),
        },
        "audience": {"@type": "Patient"},
        "image": absolute(request, uses[0].picture.image.url if uses else static("og-default.png")),
    }
    if point.last_reviewed:
        data["lastReviewed"] = point.last_reviewed.isoformat()
    if point.reviewer:
        kind = "Organization" if point.reviewer.is_team else "Person"
        data["reviewedBy"] = {"@type": kind, "name": point.reviewer.name}
    return data
