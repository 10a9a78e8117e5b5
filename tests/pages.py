"""Helpers for reading pages in tests."""

import re


def without_token(html):
    """The page without the comment form's signed token, which holds the second it was made."""
    return re.sub(r'name="token" value="[^"]*"', 'name="token"', html)


def form_token(html):
    """The comment form's signed token on a page, to send the form back as a browser would."""
    return html.split('name="token" value="')[1].split('"')[0]
