"""The readers' comment form."""

import hashlib
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError

from points.models import BodyArea, Condition, Outcome, Point
from points.validators import is_number

FORM_TOKEN_SIGNER = signing.Signer(salt="points.comment-form")


class PointsField(forms.ModelMultipleChoiceField):
    """Points by id, where an id too large for the database is an invalid choice (it was a 500:
    SQLite cannot compare it)."""

    def _check_values(self, value):
        for pk in value:
            if not is_number(pk) or int(pk) >= 2**63:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class CommentTextField(forms.CharField):
    """A comment's text, its line breaks counted as one character each, as the reader's
    counter counts them (browsers send a textarea's line breaks as two: CR LF), and a
    message over the limit that says by how much."""

    def __init__(self, *, max_length, **kwargs):
        super().__init__(**kwargs)
        self.limit = max_length

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")

    def validate(self, value):
        super().validate(value)
        if len(value) > self.limit:
            raise ValidationError(
                "Your comment is %(length)s characters long, %(over)s over the limit of "
                "%(limit)s. Please shorten it; everything you wrote is kept here.",
                code="max_length",
                params={
                    "length": f"{len(value):,}",
                    "over": f"{len(value) - self.limit:,}",
                    "limit": f"{self.limit:,}",
                },
            )


class CommentForm(forms.Form):
    """A comment, optionally with a "did it work?" report about one or more points.

    `website` is a honeypot: hidden from people, filled in by bots. `token` is signed with the
    page it belongs to and the time the form was made, so a bot cannot forge it or use it
    long or often (points.commenting counts its uses), and a form sent back within a second or
    two is recognisably not a person's.
    """

    name = forms.CharField(max_length=80, label="Your name", help_text="Shown with your comment.")
    email = forms.EmailField(
        required=False,
        label="Email (optional)",
        help_text="Never shown. Only used to tell you when we reply, if you tick the box below.",
    )
    notify_on_reply = forms.BooleanField(
        required=False, label="Email me when the site replies to my comment"
    )
    text = CommentTextField(
        max_length=3000,
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Plain text, up to 3,000 characters.",
    )
    outcome = forms.ChoiceField(
        required=False,
        label="Did it work for you?",
        choices=[("", "I'd rather not say"), *Outcome.choices],
        widget=forms.RadioSelect,
    )
    days_tried = forms.IntegerField(
        required=False, min_value=1, max_value=3650, label="Days you tried it (optional)"
    )
    points = PointsField(
        queryset=Point.objects.none(),
        required=False,
        label="Which points is your answer about?",
        widget=forms.CheckboxSelectMultiple,
    )
    website = forms.CharField(required=False, label="Leave this field empty")
    token = forms.CharField(widget=forms.HiddenInput)

    # The largest body a person's form can make: 3,000 characters of text at up to 4 bytes
    # each, percent-encoded (x3), is 36 KB; name, email, token and an article's point choices
    # fit in the rest. Larger posts are refused unread (points.security.limit_form_body).
    MAX_BODY_BYTES = 64 * 1024

    def __init__(self, *args, page, **kwargs):
        """`page`: the point or article commented on. On an article the reader picks the
        points a report is about; on a point's page it is about that point."""
        super().__init__(*args, **kwargs)
        self.page = page
        self.report_points = report_points = page.reportable_points()
        if report_points is None:
            del self.fields["points"]
        else:
            # Checked against on a post only: the page lists `report_points` as they are.
            self.fields["points"].queryset = Point.objects.filter(
                pk__in=[p.pk for p in report_points]
            )
        if not self.is_bound:
            self.initial["token"] = make_token(page)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def clean(self):
        data = super().clean()
        if data.get("notify_on_reply") and not data.get("email"):
            self.add_error("email", "Give an email address so we can tell you about a reply.")
        if self.report_points is not None and data.get("outcome") and not data.get("points"):
            self.add_error("points", "Pick the point or points your answer is about.")
        if data.get("days_tried") and not data.get("outcome"):
            self.add_error("outcome", "Say whether it worked, or leave the days empty.")
        return data

    def chosen_points(self):
        """The pks of the points ticked in a form shown again (for its template)."""
        if not self.is_bound or self.report_points is None:
            return set()
        return {int(pk) for pk in self.data.getlist("points") if is_number(pk)}

    def reported_points(self):
        if not self.cleaned_data.get("outcome"):
            return []
        if self.report_points is None:
            return [self.page]
        return list(self.cleaned_data["points"])

    def token_age(self):
        """Seconds since the form was made for this page, or None when the token is forged or
        belongs to another page. May be more than COMMENT_FORM_MAX_AGE: see is_expired()."""
        try:
            # page:issued:nonce (page:issued before the nonce, on pages cached before it came)
            page_key, issued, *_ = FORM_TOKEN_SIGNER.unsign(self.data.get("token", "")).split(":")
            age = time.time() - int(issued)
        except (signing.BadSignature, ValueError):
            return None
        return age if page_key == page_key_of(self.page) else None

    def is_expired(self):
        """A genuine form left open too long: the reader should simply send it again."""
        age = self.token_age()
        return age is not None and age > settings.COMMENT_FORM_MAX_AGE

    def token_hash(self):
        """What the database keeps to count how often this form's token was sent."""
        return hashlib.sha256(str(self.data.get("token", "")).encode()).hexdigest()

    def refresh_token(self):
        """Give a re-shown form a new token, keeping everything the reader typed."""
        self.data = self.data.copy()
        self.data["token"] = make_token(self.page)


def page_key_of(page):
    return f"{page._meta.model_name}-{page.pk}"


def make_token(page):
    """A token for the page, with the second it was made and a random part: each rendering
    gets its own (a cached page's copies share one, which COMMENT_TOKEN_MAX_USES allows for)."""
    nonce = secrets.token_urlsafe(6)
    return FORM_TOKEN_SIGNER.sign(f"{page_key_of(page)}:{int(time.time())}:{nonce}")


class PointFilterForm(forms.Form):
    """Filters for the point list, sent as plain GET parameters so a filtered list can be
    bookmarked and works without JavaScript. Filters combine: area AND complaint."""

    area = forms.ChoiceField(
        required=False, label="Body area", choices=[("", "Any body area"), *BodyArea.choices]
    )
    condition = forms.ChoiceField(required=False, label="Complaint")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        conditions = [(each.slug, each.name) for each in Condition.browsable()]
        self.fields["condition"].choices = [("", "Any complaint"), *conditions]

    def filter(self, points):
        """The points (a queryset) that pass every chosen filter."""
        if area := self.cleaned_data["area"]:
            points = points.filter(body_area=area)
        if condition := self.cleaned_data["condition"]:
            points = points.filter(conditions__slug=condition)
        return points

    @property
    def is_filtered(self):
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())
