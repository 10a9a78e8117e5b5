from django import template

from points.models import Comment

register = template.Library()


@register.simple_tag(takes_context=True)
def waiting_comment_count(context):
    """How many comments wait for moderation; None for a user who may not moderate."""
    if not context["request"].user.has_perm("points.change_comment"):
        return None
    return Comment.objects.in_moderation().count()
