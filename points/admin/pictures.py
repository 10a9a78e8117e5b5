"""The picture form of the admin, wherever a picture is edited (on its own, or among a point's
pictures)."""

from django import forms
from django.utils.html import format_html

from points.admin.revisions import ChangeNoteForm


class PictureForm(forms.ModelForm):
    """A browser cannot put a chosen file back into a form shown again with something to fix:
    the picture field then says so, naming the file, instead of looking as if it were kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = self.files.get(self.add_prefix("image")) if self.is_bound else None
        if chosen and "image" in self.fields:
            self.fields["image"].help_text = format_html(
                "<strong>You chose “{}”: choose it again before saving.</strong> A browser "
                "cannot keep a chosen file when the form comes back with something to fix. {}",
                chosen.name,
                self.fields["image"].help_text,
            )


class PictureChangeForm(PictureForm, ChangeNoteForm):
    """A picture edited on its own page, where a save is a revision with the editor's note."""
