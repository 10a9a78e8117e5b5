"""Field shapes several models share."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from points import formatting


def percent_field(verbose_name, help_text, *, optional=True):
    """A position on a picture, as a percentage of its width or height."""
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        null=optional,
        blank=optional,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=help_text,
    )


class FormattedTextField(models.TextField):
    """A long text editors write in the site's light markup: links, emphasis, lists,
    subheadings, quotations and links to points, rendered by points/formatting.py. Longer
    than `MAX_LENGTH` characters is refused by the form with a message, not stored."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", formatting.MAX_LENGTH)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        too_long = (
            "This text is too long: at most %(limit_value)d characters (it has %(show_value)d). "
            "Nothing was saved yet; shorten it or split it, then save again."
        )
        return super().formfield(**{"error_messages": {"max_length": too_long}, **kwargs})
