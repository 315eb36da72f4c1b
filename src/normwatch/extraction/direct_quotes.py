"""Direct quotes and who said them (the statements stage's first source).

Each quoted segment is attributed through a speech verb and an actor reference in the same
sentence (after the quote first, the news convention, then before it); an unattributed quote
takes the speaker of the quote before it in the paragraph, of a person introduced with a
speech verb in the previous paragraph, or of an attribution in the next one. Split from
stages/statements.py.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..model import Actor, Document, Span, Statement
from .speaking import affiliation_of  # an organisation's affiliation, as the actors stage gives it
from .quotes import Quote
from .speech import SPEECH_RE
from .statement_refs import DIRECT_SPAN_MIN_WORDS, Refs, has_verb, sentence_bounds

# How far (characters) an actor reference may sit from its speech verb: "X, the long role, said".
VERB_GAP_BEFORE = 170
# A reference right after one of these is an object ("accused Russia of ...", "an attack on
# Estonia"), not the subject of a later speech verb. ("of", "by", "from" are left out: "a
# statement from the White House says", "a spokesman of the ministry said".)
OBJECT_BEFORE = re.compile(
    r"\b(?:accus\w*|blam\w*|condemn\w*|urg\w*|attribut\w*|sanction\w*|against|on|to|with)\s+(?:the\s+)?$",
    re.I,
)
# Speech verbs whose following noun phrase is their object, never an inverted subject.
OBJECT_VERB = re.compile(r"(?:attribut|assess|accus|blam|condemn|welcom|describ|ask|tell|told)", re.I)
VERB_GAP_AFTER = 12


def direct_quotes(doc: Document, quotes: list[Quote], paragraphs: list[tuple[int, int]], sentences: list[Span],
            refs: Refs) -> list[Statement]:
    text = doc.text
    starts = [s.start for s in sentences]
    pstarts = [p[0] for p in paragraphs]
    attributed: list[tuple[Quote, Actor | None, Span | None, bool]] = []
    for k, q in enumerate(quotes):
        q_end = q.close + 1 if q.close is not None else q.end
        # The attribution window after the quote: to the end of its (last) sentence or the next quote.
        _, s_end = sentence_bounds(sentences, starts, max(q.start, q.end - 1))
        nxt = quotes[k + 1].open if k + 1 < len(quotes) else len(text)
        after_hi = min(max(s_end, q_end), nxt, q_end + 300)
        s_start, _ = sentence_bounds(sentences, starts, q.open if q.open < len(text) else q.start)
        prev = quotes[k - 1].close + 1 if k > 0 and quotes[k - 1].close is not None else 0
        before_lo = max(s_start, prev, q.open - 300)
        found = attribution(text, refs, q_end, after_hi)
        # A speech verb right after the quote is its attribution, even if its subject ("she",
        # "a joint release") is no known actor; only without one may the words before attribute it.
        own_verb = has_verb(text, q_end, min(after_hi, q_end + 40))
        if found is None and not own_verb:
            found = attribution(text, refs, before_lo, q.open, before=True)
        if found is None and own_verb:
            # '"...," the department said': a common noun standing for an organisation named earlier
            found = _nominal(doc, q_end, after_hi)
        attributed.append((q, found[0] if found else None, found[1] if found else None, own_verb))
    out: list[Statement] = []
    for k, (q, actor, cue, own_verb) in enumerate(attributed):
        if actor is None and not own_verb:
            actor = _inherit(doc, attributed, k, paragraphs, pstarts, refs)
            if actor is not None:
                # a quote running over several paragraphs hands its speaker on to the next one
                attributed[k] = (q, actor, cue, own_verb)
        if actor is None:
            continue
        if len(text[q.start : q.end].split()) < DIRECT_SPAN_MIN_WORDS or _fragment(text, q):
            continue
        s, e = _strip_punct(text, q.start, q.end)
        if e <= s:
            continue
        out.append(Statement(actor.id, actor.affiliation, True, Span(s, e), cue))
    return out


# A quoted fragment runs on into the writer's sentence: the word after its closing mark is
# lower-case and not a speech verb ("relies on \u201cdiplomatic or legal channels\u201d first").
FRAGMENT_MAX_WORDS = 8
ATTRIBUTION_OPENERS = frozenset({"he", "she", "they", "we", "it", "the", "a", "an", "his", "her", "their",
                                 "according", "officials", "experts"})
PREDICATE = re.compile(r"\b(?:is|are|was|were|be|been|will|would|might|may|can|could|should|must|shall|has|have|"
                       r"had|do|does|did|not|won't|can't)\b")
RUNS_ON = re.compile(r"[\u201d\"]\s+([a-z][\w'-]*)")


def _fragment(text: str, q: Quote) -> bool:
    """A short quoted phrase inside the writer's own sentence: a term, not a statement."""
    inner = text[q.start : q.end]
    if q.close is None or len(inner.split()) >= FRAGMENT_MAX_WORDS or not inner[:1].islower():
        return False
    if inner.rstrip()[-1:] in ".!?," or PREDICATE.search(inner):
        return False  # a sentence, or a predicate with its own verb ("might spur [a] cyber arms race")
    m = RUNS_ON.match(text, q.close)
    # '"...we will act" he said' lost its comma: a subject word after the mark opens an attribution
    return m is not None and not SPEECH_RE.match(m.group(1)) and m.group(1) not in ATTRIBUTION_OPENERS


def _strip_punct(text: str, s: int, e: int) -> tuple[int, int]:
    """Drop a trailing comma (the quote's own comma before 'he said'), keep final stops."""
    while e > s and text[e - 1] in ", \u00a0":
        e -= 1
    return s, e


def attribution(text: str, refs: Refs, a: int, b: int, before: bool = False) -> tuple[Actor, Span] | None:
    """An actor reference next to a speech verb in text[a:b]: (actor, verb span), nearest to the quote.

    The reference must sit right before the verb ("X said", "X, the minister, said") or right
    after it ("said X"), so that an organisation named elsewhere in the sentence is not taken
    for the speaker.
    """
    if b <= a:
        return None
    verbs = list(SPEECH_RE.finditer(text, a, b))
    if not verbs:
        return None
    verb = verbs[-1] if before else verbs[0]
    cands = refs.within(a, b)
    # "said X" names the speaker after the verb; "attributed to X", "assessed X" name the object.
    inverts = not OBJECT_VERB.match(verb.group())
    near = [c for c in cands
            if (c[1] <= verb.start() and verb.start() - c[1] <= VERB_GAP_BEFORE
                and not OBJECT_BEFORE.search(text, max(0, c[0] - 24), c[0]))
            or (inverts and c[0] >= verb.end() and c[0] - verb.end() <= VERB_GAP_AFTER)
            or (inverts and c[2].kind == "person" and _title_gap(text, verb.end(), c[0]))]
    if not near:
        return None
    ref = near[-1] if before else near[0]
    if ref[2].kind != "person" and ref[0] >= verb.end():
        # "said Acting U.S. Attorney Randy Grossman": the state in the title is not the speaker
        ref = next((p for p in near if p[2].kind == "person" and p[0] >= verb.end()), ref)
    if ref[2].kind != "person":
        # "Julien Bastrup-Birk, a RUSI fellow and former UK official, suggested": the state in a
        # person's appositive is not the speaker; the person is
        for p in near:
            if p[2].kind == "person" and p[1] <= ref[0] and text[p[1]:p[1] + 1] == "," \
                    and not re.search(r"[.;:!?\"\u201c\u201d]", text[p[1]:ref[0]]):
                ref = p
    return ref[2], Span(verb.start(), verb.end())


# The title between an inverted speech verb and the person: "said Acting U.S. Attorney Randy
# Grossman" -- words and abbreviations only, no clause break.
TITLE_GAP_MAX = 60
_GAP_BREAK = re.compile(r"[a-z0-9]\.\s|[,;:!?\"\u201c\u201d()\n]")


def _title_gap(text: str, a: int, b: int) -> bool:
    return 0 <= b - a <= TITLE_GAP_MAX and not _GAP_BREAK.search(text, a, b)


# A common noun that stands for an organisation or government named earlier ("the agency added",
# "according to the notice"): the noun right before the verb, or after "according to".
NOMINAL = re.compile(
    r"\b(?:[Aa]ccording\s+to\s+)?[Tt]he\s+(agency|department|ministry|bureau|office|government|notice|alert|"
    r"advisory|company|firm|centre|center|embassy|commission|council)\b"
)
# How far back (characters) the noun may reach for its organisation.
NOMINAL_WINDOW = 1500


def _nominal(doc: Document, a: int, b: int) -> tuple[Actor, Span] | None:
    """The organisation a nominal attribution in text[a:b] ("the department said") stands for:
    the latest organisation (or, for "government", state) mentioned before it whose name holds
    the noun, else the latest one at all."""
    text = doc.text
    m = NOMINAL.search(text, a, min(b, a + 40))
    if m is None:
        return None
    verb = SPEECH_RE.match(text, m.end() + 1) if text[m.end() : m.end() + 1] == " " else None
    if verb is None:
        verb = re.compile(r"\s+(?:also\s+)?").match(text, m.end())
        verb = SPEECH_RE.match(text, verb.end()) if verb else None
    if not m.group(0)[:1] in "Aa" and verb is None:
        return None
    noun = m.group(1).lower()
    kinds = ("state",) if noun == "government" else ("org",)
    cands = [x for x in doc.mentions if x.kind in kinds and x.span.end <= m.start()
             and m.start() - x.span.end <= NOMINAL_WINDOW]
    if not cands:
        return None
    kb = _kb()
    named = [x for x in cands if noun in f"{kb.name(x.kb_id)} {x.kb_id}".lower()] if kb is not None else []
    speaking = {a.id for a in doc.actors}
    known = [x for x in cands if x.kb_id in speaking]
    if not (named or known):
        return None  # a noun with no organisation of that kind, or none that speaks: not guessed
    pick = max(named or known, key=lambda x: x.span.start)
    cue = Span(verb.start(), verb.end()) if verb else Span(m.start(), m.start() + 12)
    for actor in doc.actors:
        if actor.id == pick.kb_id:
            return actor, cue
    return Actor(pick.kb_id, pick.kind, kb.name(pick.kb_id) if kb else pick.kb_id, None,
                 affiliation_of(pick.kb_id, kb), [pick.span]), cue


INHERIT_LOOKBACK = 50


def _inherit(doc: Document, attributed: list, k: int, paragraphs: list[tuple[int, int]], pstarts: list[int],
             refs: Refs) -> Actor | None:
    """A speaker for an unattributed quote from the quotes and paragraphs around it."""
    text = doc.text
    q = attributed[k][0]
    pi = bisect_right(pstarts, q.open) - 1
    if pi < 0:
        return None
    pa, pb = paragraphs[pi]
    # 1. an attributed quote earlier in the same paragraph (the last INHERIT_LOOKBACK quotes:
    # a paragraph of thousands of quotes must not cost quadratic time, issue 13)
    for j in range(k - 1, max(-1, k - 1 - INHERIT_LOOKBACK), -1):
        pq, actor, _, _ = attributed[j]
        if pq.open < pa:
            break
        if actor is not None:
            return actor
    lead = text[pa:q.open]
    if BULLET.match(lead):
        # a list item under "X accused the US of:" -- the introduction above the list speaks
        return list_speaker(text, refs, paragraphs, pi)
    # Only a quote that opens its paragraph continues a speaker from around it.
    if lead.strip():
        return None
    # 2. the previous paragraph introduces the speaker ("X summarized ...:" or ends with a quote of X)
    if pi > 0:
        ppa, ppb = paragraphs[pi - 1]
        had_quote = False
        for j in range(k - 1, max(-1, k - 1 - INHERIT_LOOKBACK), -1):
            pq, actor, _, _ = attributed[j]
            if pq.open < ppa:
                break
            had_quote = True
            if actor is not None:
                return actor
        if not had_quote:
            # an introduction: "X summarized the meeting ..." or "X said:" ends the paragraph before
            found = attribution(text, refs, ppa, ppb, before=True)
            if found is not None:
                return found[0]
            cands = refs.within(ppa, ppb)
            if cands and text[ppb - 1 : ppb] == ":":
                return cands[-1][2]
    # 3. the next paragraph opens with an attribution ("he said", "X added")
    if pi + 1 < len(paragraphs):
        npa, npb = paragraphs[pi + 1]
        head_end = min(npb, npa + 120)
        if not text[npa:head_end].lstrip().startswith(('"', "\u201c")):
            found = attribution(text, refs, npa, head_end)
            if found and found[1].start - npa < 60:
                return found[0]
    return None


def _kb():
    from ..kb import load_kb
    return load_kb()


# A bullet line without a closing stop: a link to another article ("* Singapore, US pledge ...").
BULLET_LINK = re.compile(r"\s*[*\u2022\u25aa\u25cf>-]\s+[^\n]*?[^.!?:\"\u201d\s]\s*(?:\n|$)")
# A list item with at most a few words before its quote: "* Being “the world's ...”".
BULLET = re.compile(r"\s*(?:[*\u2022\u2013-]|\d{1,2}[.)])\s+(?:[\w'\u2019-]+\s+){0,3}$")
LIST_ITEM = re.compile(r"\s*(?:[*\u2022\u2013-]|\d{1,2}[.)])\s")


def list_speaker(text: str, refs: Refs, paragraphs: list[tuple[int, int]], pi: int) -> Actor | None:
    """The speaker of the colon introduction above a run of list items."""
    for j in range(pi - 1, max(-1, pi - 12), -1):
        pa, pb = paragraphs[j]
        body = text[pa:pb].rstrip()
        if LIST_ITEM.match(body):
            continue  # another item of the same list
        if not body.endswith(":"):
            return None
        found = attribution(text, refs, max(pa, pb - 300), pb, before=True)
        return found[0] if found else None
    return None
