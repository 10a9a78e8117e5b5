"""The management commands `make run` relies on, and the Editors role they set up."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from points.models import Article, Comment, Picture, Point

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_ensure_editor_creates_an_editor_with_a_random_password_shown_once():
    first = run("ensure_editor")
    second = run("ensure_editor")

    password = re.search(r"password: (\S+)", first).group(1)
    user = User.objects.get(username="editor")
    assert user.check_password(password)
    assert user.is_staff
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]
    assert password not in second
    assert "changepassword" in second


def test_two_fresh_databases_get_different_editor_passwords(django_user_model):
    first = re.search(r"password: (\S+)", run("ensure_editor")).group(1)
    django_user_model.objects.all().delete()
    second = re.search(r"password: (\S+)", run("ensure_editor")).group(1)

    assert first != second
    assert len(first) >= 12


def test_editors_group_has_exactly_the_content_permissions():
    group = Group.objects.get(name="Editors")

    app_labels = set(group.permissions.values_list("content_type__app_label", flat=True))
    codenames = set(group.permissions.values_list("codename", flat=True))

    assert app_labels == {"points"}
    assert {"add_point", "change_point", "change_disclaimer"} <= codenames
    # The picture library: adding, describing and deleting pictures, and using them on points.
    assert {"add_picture", "change_picture", "delete_picture", "add_picturemarker"} <= codenames
    assert {"add_pointpicture", "delete_pointpicture"} <= codenames
    # Comments are kept: spam is marked, not dropped.
    assert {"change_comment", "view_resultreport"} <= codenames
    assert not {"delete_comment", "delete_resultreport"} & codenames


def test_seed_bench_content_refuses_without_disposable():
    with pytest.raises(CommandError, match="--disposable"):
        run("seed_bench_content", "--scale", "2")

    assert not Point.objects.exists()


def test_seed_bench_content_makes_a_heavy_point_and_scales_the_content():
    call_command("load_demo_content", verbosity=0)
    demo_points, demo_articles = Point.objects.count(), Article.objects.count()
    demo_pictures = Picture.objects.count()

    heavy = run("seed_bench_content", "--disposable", "--heavy-point", "bl23-shenshu")

    point = Point.objects.get(slug="bl23-shenshu")
    pictures = [use.picture for use in point.pictures.select_related("picture")]
    assert len(pictures) == 5
    # Through the library, as an editor's uploads: four new pictures beside the demo's one.
    assert Picture.objects.count() == demo_pictures + 4
    assert all(
        picture.renditions and picture.image.name.startswith("pictures/") for picture in pictures
    )
    assert Comment.objects.on(point).approved().count() == 200
    assert "bl23-shenshu: 5 pictures, 200 approved comments" in heavy

    scaled = run("seed_bench_content", "--disposable", "--scale", "3")

    assert Point.objects.count() == 3 * demo_points
    assert Article.objects.count() == 3 * demo_articles
    assert Comment.objects.count() == 200 + 3000
    assert Point.objects.filter(slug="bl23-shenshu-02").exists()
    assert f"{3 * demo_points:,} points" in scaled
