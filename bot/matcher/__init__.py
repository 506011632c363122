"""Fuzzy matching of questions to facts, and the confidence rule that decides what to say.

A message goes through four stages, one module or a few each:

* understand: understand.py reads the message into the questions it asks (`Ask`):
  markup.py takes out Discord syntax and splits sentences, chatter.py drops the chatter,
  and kinds.py says what each question asks for, with the phrase lookups of phrases.py.
  query.py turns each question into weighted terms (`_Query`), with analysis.py's folding,
  stemming, synonyms and spelling correction, vocabulary.py's look-ups among the facts the
  guild sees, and premise.py's reading of what the question takes as given (`Premise`);
* candidates: candidates.py takes facts from the inverted index most shared content first,
  with a bound on how high the facts not taken yet can score, reading posting lists as
  bitmaps (bitmaps.py);
* score: score.py scores the candidates on coverage, phrasing and literal similarity
  (`Match`), and answerable.py says whether each answers what is asked;
* decide: decide.py applies the confidence rule (`Decision`), and says when the facts
  scored so far already settle it, so the search stops early.

index.py holds `MatchIndex`, which runs these stages against an immutable snapshot of the
facts (structures.py) that update.py builds anew on every change; policy.py holds the
weights and thresholds, and frequency.py the English word frequencies.

Where a C compiler was at hand when the package was installed, these modules run compiled
by mypyc (setup.py); this one, which is never compiled, first checks that the compiled
modules were made from the sources beside them. If they were not (a source edited since),
or FACTBOT_PURE_PYTHON=1 is set, every module of the matcher is imported from its source:
compiled modules call one another directly, so none is used unless all are current.
"""

from bot.matcher.build import use_compiled

# Before any other module of the matcher is imported (see build.py).
COMPILED = use_compiled()

from bot.matcher.decide import Decision  # noqa: E402
from bot.matcher.index import MAX_COMPLETE_CHARS, MatchIndex  # noqa: E402
from bot.matcher.policy import MatchPolicy  # noqa: E402
from bot.matcher.score import Match  # noqa: E402

__all__ = ["COMPILED", "MAX_COMPLETE_CHARS", "Decision", "Match", "MatchIndex", "MatchPolicy"]
