"""Helpers for reading pages in tests, and for sending their forms back as a browser would."""

import re
from html.parser import HTMLParser

from django.urls import reverse


def without_token(html):
    """The page without the comment form's signed token, which holds the second it was made."""
    return re.sub(r'name="token" value="[^"]*"', 'name="token"', html)


def form_token(html):
    """The comment form's signed token on a page, to send the form back as a browser would."""
    return html.split('name="token" value="')[1].split('"')[0]


def comment_url(page):
    """Where a point's or an article's comment form is sent."""
    name = "points:point-comment" if page._meta.model_name == "point" else "points:article-comment"
    return reverse(name, kwargs={"slug": page.slug})


def post_comment(client, page, *, headers=None, **fields):
    """Read the page as `client` and send its comment form back filled in with `fields` (a
    reader's usual comment unless told otherwise), with the token the page carried. A `token`
    given in `fields` is sent instead, without reading the page."""
    if "token" not in fields:
        fields["token"] = form_token(client.get(page.get_absolute_url()).text)
    data = {
        "name": "Maria",
        "text": "Pressing it every evening eased my back.",
        "outcome": "",
        "days_tried": "",
        "email": "",
        "website": "",
    }
    return client.post(comment_url(page), data | fields, headers=headers)


class _FormReader(HTMLParser):
    """The fields of one <form> as a browser sends them: checked boxes only, selected options,
    text areas' text; no submit buttons or file inputs."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            name, text = self.textarea
            # Browsers drop the newline that follows <textarea>.
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self.textarea = None


def form_data(html, form_id):
    """The form's fields as {name: [values]}, to send back as the browser would."""
    reader = _FormReader(form_id)
    reader.feed(html)
    data = {}
    for name, value in reader.fields:
        data.setdefault(name, []).append(value)
    return data


def change_form(client, obj):
    """(url, data) of an item's admin change form, filled in as it is, inlines included."""
    url = reverse(f"admin:points_{obj._meta.model_name}_change", args=[obj.pk])
    return url, form_data(client.get(url).text, f"{obj._meta.model_name}_form")
