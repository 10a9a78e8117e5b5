"""The fixed lists a point's fields choose from: where on the body it is, its channel, how to
press it and how sure we are of it."""

from django.db import models
from django.urls import reverse


class BodyArea(models.TextChoices):
    ABDOMEN = "abdomen", "Abdomen"
    LOWER_BACK = "lower-back", "Lower back"
    HIPS = "hips-and-buttocks", "Hips and buttocks"
    LEG = "leg", "Leg and knee"
    HAND = "hand", "Hand"
    FOOT = "foot", "Ankle and foot"

    @property
    def url(self):
        return reverse("points:body-area-detail", kwargs={"area": self.value})


class Channel(models.TextChoices):
    """The fourteen channels of the WHO standard point codes (a code starts with its channel's
    letters: BL23 is on the Bladder channel)."""

    LUNG = "LU", "Lung"
    LARGE_INTESTINE = "LI", "Large Intestine"
    STOMACH = "ST", "Stomach"
    SPLEEN = "SP", "Spleen"
    HEART = "HT", "Heart"
    SMALL_INTESTINE = "SI", "Small Intestine"
    BLADDER = "BL", "Bladder"
    KIDNEY = "KI", "Kidney"
    PERICARDIUM = "PC", "Pericardium"
    TRIPLE_ENERGIZER = "TE", "Triple Energizer (San Jiao)"
    GALLBLADDER = "GB", "Gallbladder"
    LIVER = "LR", "Liver"
    GOVERNING_VESSEL = "GV", "Governing Vessel (Du)"
    CONCEPTION_VESSEL = "CV", "Conception Vessel (Ren)"


class Pressure(models.TextChoices):
    """How firmly the site advises pressing: always a comfortable pressure. There is no
    "strong": where the article says so, its words are quoted as its own (article_technique)."""

    GENTLE = "gentle", "Gentle"
    MEDIUM = "medium", "Medium"
    FIRM = "firm", "Firm"


class Posture(models.TextChoices):
    ANY = "any", "Any comfortable position"
    SITTING = "sitting", "Sitting"
    LYING_BACK = "lying-back", "Lying on your back"
    LYING_FRONT = "lying-front", "Lying face down"
    LYING_SIDE = "lying-side", "Lying on your side"
    STANDING = "standing", "Standing"


class Sides(models.TextChoices):
    MIDLINE = "midline", "On the midline (one point)"
    BOTH = "both", "Both sides of the body"


class Confidence(models.TextChoices):
    HIGH = "high", "Sure: several references agree"
    MEDIUM = "medium", "Likely: one good reference, or inferred from the name and place"
    UNCERTAIN = "uncertain", "Uncertain: the article's description fits more than one point"


class MapView(models.TextChoices):
    FRONT = "front", "Front"
    BACK = "back", "Back"
