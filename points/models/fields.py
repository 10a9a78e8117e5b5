"""Field shapes several models share."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


def percent_field(verbose_name, help_text):
    """An optional position on a picture, as a percentage of its width or height."""
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=help_text,
    )
