"""Score extraction output against hand-made gold annotations, so quality is a number.

Run it as ``normwatch eval GOLD PRED.jsonl`` (predictions made earlier by
``normwatch extract ... --format jsonl``) or ``normwatch eval GOLD --run [PATH...]``
(extract now; with no PATH the gold documents are looked up under ``--corpus``).
GOLD is one gold JSON file (the format of ``../shared/gold/origin.json``) or a
directory of them, scored together.

Matching rules (also in tests/eval/README.md):

- Documents: a prediction belongs to a gold document when the base name of its
  ``doc.source`` equals the gold key's base name or the base name of the gold
  document's ``source``. Gold documents without a prediction count all their items
  as misses; predictions for documents not in the gold are ignored (and counted).
- Quotes and surfaces are located in the prediction's ``doc.text`` after
  whitespace normalisation (runs of whitespace are one space; curly quotes and
  apostrophes are straight); a predicted span matches when it overlaps an
  occurrence.
- ``required: false`` on any gold item: a match counts as a true positive, no
  match is not a false negative, and a prediction matching it is not a false positive.
- actors: by id per document. Of the matched ones, affiliation agreement is
  counted exactly; role agreement loosely (the content words of the shorter role
  mostly appear in the other).
- statements: the predicted span overlaps the gold quote, the speaker agrees (same
  id, or the gold speaker is a state/organisation and the prediction's affiliation
  is it), and ``direct`` agrees. One prediction matches at most one gold item,
  greedily by overlap size; extra predictions are false positives.
  ``statements~span`` reports the same ignoring speaker and ``direct``.
- stances: (target, polarity) equal and the actors agree: the gold's {actor,
  affiliation} and the prediction's share an id. Predictions are deduplicated first;
  one that only repeats an already matched gold stance is a duplicate, not an error
  (a person's stance is also their state's). Forbidden stances: predictions with the
  forbidden (actor-or-affiliation, target, polarity) are counted.
- subscriptions: (actor, instrument, action) per document, as sets;
  ``subscriptions~any-action`` ignores the action.
- instrument_mentions: (document, instrument); ``instrument_mentions`` demands a
  predicted mention overlapping an occurrence of one of the gold surfaces,
  ``instrument_mentions~doc`` only that the instrument is predicted for the document.
- attributions: (incident, accused, certainty, via) per document;
  ``attributions~accused`` only (incident, accused). incidents: (incident, victim,
  type); ``incidents~id`` only the id.
- claims: (accused, claimant, certainty, via) per document, whatever incident they are
  about: the gold's top-level ``claims`` plus every gold incident's attributions, against
  the prediction's ``claims`` (its incidents' attributions when it has none);
  ``claims~accused`` only the accused. Predictions accusing a state the gold lists in
  ``forbidden_claims`` (a victim, a prosecutor) are counted and listed.
- events: event id per document; for matched events, place (normalised, either
  contains the other), start, end, participants (set precision/recall) and whether
  an outcome is given are reported.

All numbers are micro-averaged over documents.

The package: `gold` (the gold format), `matching` (text location and greedy matching),
`scoring` (one function per kind), `report` (counts and their printing) and `command`
(``normwatch eval``). Every name callers import from ``normwatch.evaluate`` is re-exported here.
"""

from __future__ import annotations

from .command import default_corpus, eval_command, gold_paths, read_predictions, run_extraction
from .gold import DOC_FIELDS, KINDS, Gold, GoldDoc, GoldError, load_gold
from .matching import Located, normalise, role_agrees
from .report import KindScore, Report, format_report
from .scoring import predicted_claims, score

__all__ = ["Gold", "GoldDoc", "KindScore", "Report", "load_gold", "score", "format_report", "eval_command",
           "KINDS", "DOC_FIELDS", "GoldError", "Located", "normalise", "role_agrees", "predicted_claims",
           "read_predictions", "default_corpus", "gold_paths", "run_extraction"]
