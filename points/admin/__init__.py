"""The Django admin, split by topic: content editing, and comment moderation."""

from points.admin import content, moderation

__all__ = ["content", "moderation"]
