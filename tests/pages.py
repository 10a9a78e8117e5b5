"""Helpers for reading pages in tests, and for sending their forms back as a browser would."""

import re

from django import forms
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


def form_data(form):
    """What a browser sends back for an unchanged admin form."""
    data = {}
    for bound in form:
        value, field, name = bound.value(), bound.field, bound.html_name
        if isinstance(field, forms.FileField):
            continue
        if isinstance(field.widget, forms.MultiWidget):
            parts = value if isinstance(value, list) else field.widget.decompress(value)
            for index, part in enumerate(parts):
                data[f"{name}_{index}"] = "" if part is None else str(part)
        elif isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(getattr(item, "pk", item)) for item in value]
        else:
            data[name] = "" if value is None else str(getattr(value, "pk", value))
    return data


def change_form(client, obj):
    """(url, data) of an item's admin change form, filled in as it is, inlines included."""
    url = reverse(f"admin:points_{obj._meta.model_name}_change", args=[obj.pk])
    context = client.get(url).context
    data = form_data(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        data |= form_data(formset.management_form)
        for form in formset.forms:
            data |= form_data(form)
    return url, data
