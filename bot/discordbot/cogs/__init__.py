"""The extensions FactBot loads in setup_hook: ask, about, and fact (/fact: the
moderation of facts, and documents with their drafts)."""
