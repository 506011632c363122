"""Fuzzy matching of questions to facts, and the confidence rule that decides what to say.

A message goes through four stages, one module (or two) each:

* understand: understand.py reads the message into the questions it asks (`Ask`), and
  query.py turns each into weighted terms and a premise (`_Query`), with analysis.py's
  folding, stemming, synonyms and spelling correction;
* candidates: candidates.py takes facts from the inverted index most shared content first,
  with a bound on how high the facts not taken yet can score;
* score: score.py scores the candidates on coverage, phrasing and literal similarity
  (`Match`), and answerable.py says whether each answers what is asked;
* decide: decide.py applies the confidence rule (`Decision`), and says when the facts
  scored so far already settle it, so the search stops early.

index.py holds `MatchIndex`, which runs these stages against an immutable snapshot of the
facts (structures.py) that update.py builds anew on every change; policy.py holds the
weights and thresholds, and frequency.py the English word frequencies.
"""

from bot.matcher.decide import Decision
from bot.matcher.index import MAX_COMPLETE_CHARS, MatchIndex
from bot.matcher.policy import MatchPolicy
from bot.matcher.score import Match

__all__ = ["MAX_COMPLETE_CHARS", "Decision", "Match", "MatchIndex", "MatchPolicy"]
