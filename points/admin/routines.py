"""An article's guided routine in its change form: the order of its points and their times,
set apart from the sections' text. A step's point must be one readers can open and one the
article's sections link (as the form is sent, so a point added to a section in the same save
counts)."""

from django import forms

from points.admin.widgets import LabelledRowsFormSet, LabelledTabularInline
from points.models import ArticleSection, RoutineStep
from points.models.routines import MIN_SECONDS
from points.validators import is_number

# The prefix Django gives the sections' inline (the related name of ArticleSection.article).
SECTIONS_PREFIX = "sections"


class RoutineStepForm(forms.ModelForm):
    class Meta:
        model = RoutineStep
        fields = ["position", "point", "seconds_per_side"]
        error_messages = {
            # A negative number, refused by the form field before the model's own check.
            "seconds_per_side": {"min_value": f"Give at least {MIN_SECONDS} seconds."}
        }


class RoutineStepFormSet(LabelledRowsFormSet):
    def clean(self):
        # Before Django's own check for a point twice, which says it less plainly (it skips
        # the forms refused here).
        linked = self.points_the_sections_link()
        seen = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            point = form.cleaned_data.get("point")
            if point is None:
                continue
            if point.pk in seen:
                form.add_error(
                    "point",
                    f"{point.code} is already in this routine (at position {seen[point.pk]}). "
                    "A point comes once: remove this step.",
                )
            elif not point.is_public:
                form.add_error(
                    "point",
                    f"{point.code} is not published, so readers cannot open it. Publish the "
                    "point first, or leave it out of the routine.",
                )
            elif point.pk not in linked:
                form.add_error(
                    "point",
                    f"No section of this article links {point.code}. Add it to a section's "
                    "points first (the routine follows what the article is about), or remove "
                    "this step.",
                )
            seen.setdefault(point.pk, form.cleaned_data.get("position"))
        super().clean()

    def points_the_sections_link(self):
        """The pks of the points the article's sections link, as this form sends them (a
        section being deleted links none), or as saved when the form has no sections."""
        data = self.data
        try:
            total = int(data[f"{SECTIONS_PREFIX}-TOTAL_FORMS"])
        except (KeyError, TypeError, ValueError):
            if self.instance.pk is None:
                return set()
            through = ArticleSection.points.through.objects
            return set(
                through.filter(articlesection__article=self.instance).values_list(
                    "point_id", flat=True
                )
            )
        linked = set()
        for index in range(min(total, 1000)):
            if data.get(f"{SECTIONS_PREFIX}-{index}-DELETE"):
                continue
            for value in data.getlist(f"{SECTIONS_PREFIX}-{index}-points"):
                if is_number(value):
                    linked.add(int(value))
        return linked


class RoutineStepInline(LabelledTabularInline):
    model = RoutineStep
    form = RoutineStepForm
    formset = RoutineStepFormSet
    extra = 0
    fields = ["position", "point", "seconds_per_side"]
    autocomplete_fields = ["point"]
    verbose_name = "routine step"
    verbose_name_plural = (
        "Guided routine: its points' order and times (with no steps, the routine follows the "
        "sections' points in reading order)"
    )


ROUTINE_FIELDSET = (
    "Guided routine",
    {
        "fields": ["is_site_routine"],
        "description": "Every article that links points has its own guided routine, at its "
        "address followed by routine/. Set its order and times under “Guided routine” below "
        "without changing the sections. One article can also be the site's routine, at /routine/.",
    },
)
