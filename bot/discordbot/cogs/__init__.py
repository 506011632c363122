"""The extensions FactBot loads in setup_hook: errors, ask, about, moderation."""
