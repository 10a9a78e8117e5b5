"""Facts about single rows, and the rules the database itself enforces."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from points.models import Disclaimer, Point, Status
from tests.factories import make_point

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("low", "high", "label"),
    [
        (None, None, ""),
        (60, None, "1 minute"),
        (60, 120, "1 to 2 minutes"),
        (120, 120, "2 minutes"),
        (30, None, "30 seconds"),
        (30, 90, "30 to 90 seconds"),
    ],
)
def test_duration_label(low, high, label):
    assert Point(duration_min_seconds=low, duration_max_seconds=high).duration_label == label


@pytest.mark.parametrize(
    ("low", "high", "label"),
    [(None, None, ""), (1, None, "once"), (3, None, "3 times"), (2, 3, "2 to 3 times")],
)
def test_repetitions_label(low, high, label):
    assert Point(repetitions_min=low, repetitions_max=high).repetitions_label == label


def test_published_means_published_status_and_a_past_publication_date():
    now = timezone.now()
    public = make_point(published_at=now - timedelta(minutes=1))
    make_point(status=Status.DRAFT)
    make_point(published_at=now + timedelta(minutes=1))

    assert list(Point.objects.published()) == [public]


def test_point_lists_split_into_lines_without_blanks():
    point = Point(contraindications="You are pregnant.\n\n  The skin is broken. \n")

    assert point.contraindication_list == ["You are pregnant.", "The skin is broken."]


def test_database_refuses_an_inverted_duration_range():
    with pytest.raises(IntegrityError):
        make_point(duration_min_seconds=120, duration_max_seconds=60)


def test_database_refuses_map_coordinates_off_the_map():
    with pytest.raises(IntegrityError):
        make_point(map_x=101, map_y=50)


def test_there_is_only_ever_one_disclaimer():
    Disclaimer(short_notice="First.", body="First.").save()
    Disclaimer(short_notice="Second.", body="Second.").save()

    assert Disclaimer.objects.get().short_notice == "Second."


def test_a_reference_without_a_year_is_named_without_one():
    """The admin showed "Mayo Clinic (None). Back pain"."""
    from points.models import Reference

    reference = Reference(authors="Mayo Clinic", title="Back pain", year=None)

    assert str(reference) == "Mayo Clinic. Back pain"
