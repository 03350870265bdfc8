"""Conversations: the turns of one dialogue, follow-ups carried over on the device, answers to
pending questions, repair and undo, and the history the engine receives.

``Conversation`` (in ``conversation.py``) is the entry point, made by ``Assistant.conversation()``.
"""

from .conversation import NOTHING_TO_FOLLOW, Conversation, EngineHistory, Turn, option_labels

__all__ = ["NOTHING_TO_FOLLOW", "Conversation", "EngineHistory", "Turn", "option_labels"]
