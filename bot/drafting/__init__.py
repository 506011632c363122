"""Drafting facts from a news report, for a person to approve.

`draft_facts(document, sources, lexicon)` finds every attributed claim in a report,
quotes it verbatim, names who made it (a known source, or a new one to add), and drafts
a neutral statement, question phrasings and a suggested point. Pure and fast: no
database, no network, no Discord.
"""

from bot.drafting.document import Document
from bot.drafting.draft import Draft
from bot.drafting.drafter import draft_facts

__all__ = ["Document", "Draft", "draft_facts"]
