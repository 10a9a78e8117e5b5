"""Data migrations keep what editors wrote and leave the site's advice safe."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("points", "0001_initial")]
AFTER = [("points", "0002_reader_safety")]


@pytest.fixture
def migrate_to(transactional_db):
    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    yield migrate
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_0002_moves_see_a_doctor_lines_to_the_disclaimer_and_drops_strong_pressure(migrate_to):
    apps = migrate_to(BEFORE)
    Author = apps.get_model("points", "Author")
    Article = apps.get_model("points", "Article")
    Point = apps.get_model("points", "Point")
    author = Author.objects.create(name="A", slug="a")
    Article.objects.create(
        title="T", slug="t", author=author, summary="S", intro="I",
        see_a_doctor="Your legs feel weak.\nYou have a fever.",
    )  # fmt: skip
    for code, area in (("CV6", "abdomen"), ("LI4", "hand"), ("BL23", "lower-back")):
        Point.objects.create(
            code=code, slug=code.lower(), pinyin="X", english_name="X", channel="CV",
            body_area=area, summary="S", location="L", how_to_find="H", said_to_help="S",
            pressure="strong" if code != "BL23" else "medium",
        )  # fmt: skip

    apps = migrate_to(AFTER)

    pressures = dict(apps.get_model("points", "Point").objects.values_list("code", "pressure"))
    assert pressures == {"CV6": "gentle", "LI4": "medium", "BL23": "medium"}
    disclaimer = apps.get_model("points", "Disclaimer").objects.get(pk=1)
    assert disclaimer.see_a_doctor_signs == "Your legs feel weak.\nYou have a fever."
    assert disclaimer.short_notice  # a disclaimer that still warns readers
