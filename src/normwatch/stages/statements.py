"""Stage `statements.v1`: who said what — direct quotes, reported speech, first-person speeches.

Three sources of statements:
  1. direct quotes: each quoted segment attributed through a speech verb and an actor
     reference in the same sentence (after the quote first, the news convention, then
     before it: '"A," X said, adding "B."' gives two statements of X); an unattributed quote
     takes the speaker of the quote before it in the paragraph, of a person introduced
     with a speech verb in the previous paragraph, or of an attribution in the next one;
  2. reported speech: an actor reference as the subject of a reporting verb ("X stressed
     that ...", "X emphasized the importance of ...", "According to the Ambassador, ...");
     the span is the reported clause;
  3. when the document has a first-person speaker (`meta.speaker`, a UN speech), every
     sentence on the cyber domain (cyber, ICT, information security, a cyber instrument)
     that takes a position (a modal, a call, a judgement) or in which the speaker speaks of
     itself ("we", "my country", its own name) is that speaker's statement; a joint statement's
     "we" sentences are each signatory's (both in `extraction/voices.py`).
Quoted phrases with no speaker (scare quotes, titles, the author's own quoted terms) are
not statements.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..extraction.quotes import Quote, find_quotes
from ..extraction.speech import ISSUED_AFTER_SUBJECT, SPEECH_RE, STATEMENT_NOUN
from ..extraction.topic import CyberContext
from ..extraction.voices import CYBER, MAX_SENTENCE, first_person_statements, in_spans, joint_statements
from ..model import Actor, Document, Span, Statement
from ..pipeline import stage
from .actors import affiliation_of
from ..settings import Settings

# Verbs that report speech with a noun-phrase object ("emphasized the importance of ...").
NP_VERBS = (
    r"emphasi[sz](?:ed|es|e)|stress(?:ed|es)?|underlin(?:ed|es|e)|underscor(?:ed|es|e)|highlight(?:ed|s)?|"
    r"call(?:ed|s)? (?:for|on)|urg(?:ed|es|e)|reiterat(?:ed|es|e)|reaffirm(?:ed|s)?|propos(?:ed|es|e)|"
    r"warn(?:ed|s)? (?:of|against|about)|express(?:ed|es)|advocat(?:ed|es|e)|welcom(?:ed|es|e)|"
    r"reject(?:ed|s)?|den(?:ied|ies|y)|condemn(?:ed|s)?|accus(?:ed|es|e)|blam(?:ed|es|e)|defend(?:ed|s)?|"
    r"insist(?:ed|s)? on|pledg(?:ed|es|e)|vow(?:ed|s)?|encourag(?:ed|es|e)|recommend(?:ed|s)?|invit(?:ed|es|e)|"
    r"appeal(?:ed|s)? (?:to|for)|press(?:ed|es)? for|push(?:ed|es)? for|deemed|label(?:l?ed)"
)
# Verbs that report speech with a clause ("said that ...", "recalled that ...").
THAT_VERBS = (
    r"sa(?:id|ys|y)|add(?:ed|s)?|stat(?:ed|es)|not(?:ed|es)|stress(?:ed|es)?|warn(?:ed|s)?|argu(?:ed|es)|"
    r"insist(?:ed|s)?|recall(?:ed|s)?|emphasi[sz](?:ed|es)|explain(?:ed|s)?|claim(?:ed|s)?|declar(?:ed|es)|"
    r"announc(?:ed|es)|assert(?:ed|s)?|affirm(?:ed|s)?|reaffirm(?:ed|s)?|acknowledg(?:ed|es)|admit(?:ted|s)?|"
    r"confirm(?:ed|s)?|den(?:ied|ies)|point(?:ed|s)? out|observ(?:ed|es)|remark(?:ed|s)?|told [\w ]{1,30}?|"
    r"suggest(?:ed|s)?|believ(?:ed|es)|predict(?:ed|s)?|contend(?:ed|s)?|agre(?:ed|es)|underlin(?:ed|es)|"
    r"reiterat(?:ed|es)|highlight(?:ed|s)?|conclud(?:ed|es)|maintain(?:ed|s)?|indicat(?:ed|es)|wrote|writes|"
    r"tweet(?:ed|s)?|reported|recogni[sz](?:ed|es)|alleg(?:ed|es)|reveal(?:ed|s)|express(?:ed|es) (?:hope|concern|confidence|regret)"
)
_AUX = r"(?:(?:has|have|had|also|then|later|again|further|repeatedly|publicly|strongly|firmly|on\s+\w+|last\s+\w+)\s+){0,3}"
NP_AFTER = re.compile(rf"\s{{1,3}}{_AUX}((?:{NP_VERBS})\b)")
THAT_AFTER = re.compile(rf"\s{{1,3}}{_AUX}((?:{THAT_VERBS}))(?:\s+[\w,]+){{0,6}}?\s+(that)\s+(?=\S)")
# "said" + a clause without "that": it opens with a determiner or pronoun, or a capitalised
# word that is not a time expression ("said SVR hackers orchestrated ...", not "said Monday").
SAID_CLAUSE = re.compile(
    rf"\s{{1,3}}{_AUX}(sa(?:id|ys)|claim(?:ed|s)|believ(?:ed|es)|alleg(?:ed|es)|argu(?:ed|es)|contend(?:ed|s))\s+"
    r"(?=(?:the|it|its|this|they|there|he|she|we|his|her|their|a|an)\s|\d"
    # or any other lower-case word that is not a preposition, time word or conjunction: "said
    # member states were ...", "said under normal circumstances, ...", "said these challenges ..."
    r"|(?!(?:in|on|at|during|after|before|last|yesterday|today|tonight|earlier|later|recently|previously|"
    r"also|to|of|for|with|by|from|while|when|as|and|but|or|then|nothing|so|here|again|once|that|what|"
    r"how|why|in|via|through|over|about|via|next|this\s+(?:week|month|year|morning)|"
    # a relative ("what he claimed was"), a reflexive ("believes itself to be")
    r"is|was|were|are|had|has|would|could|itself|himself|herself|themselves|ourselves)\b)[a-z][\w-]*\s"
    r"|(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|"
    r"July|August|September|October|November|December|In|On|At|Last|This|Earlier|Later|I)\b)[A-Z][\w&-]*"
    r"(?:['\u2019]s)?\s+[a-z])"
)
# A coordinated subject ("ESET and IstroSec said", "the EU and its Member States added").
COORDINATED = re.compile(
    r"\s+and\s+(?:(?:its|their|the|other)\s+)?(?:[A-Z][\w'\u2019.&-]*|member|allies|partners)"
    r"(?:\s+(?:[A-Z][\w'\u2019.&-]*|[Ss]tates|allies|partners|of)){0,4}"
)
# A participle modifier between the speaker and the verb: "A top spokesman known for making
# provocative remarks on Tuesday rejected ...", "the minister, speaking in Brussels, said".
REDUCED_RELATIVE = re.compile(
    r"\s+(?:known|speaking|based|best\s+known|famous|notorious|writing|appearing|responding)\b"
    rf"[^,.;:\"\u201c\n]{{0,80}}?(?=\s+(?:{NP_VERBS}|{THAT_VERBS})\b)"
)
# The source named last, after the reported clause: "<clause>, security firm X said this week."
SOURCE_LAST = re.compile(
    rf"\s{{1,3}}{_AUX}(?:sa(?:id|ys)|added|noted|told\s[\w ]{{1,30}}?|reported|wrote|warned|claimed|confirmed|"
    r"announced|stated)(?:\s+(?:on|in|at|this|last|a|an|the|earlier|late|early|[A-Z]?[a-z]+day|week|month|"
    r"year|statement|report|interview|release|blog|post|today|yesterday)){0,5}"
    # the sentence ends, or goes on with a relative or a second verb: "..., he added, which he said ..."
    r"(?:\s*$|,\s+(?:which|who|as|and|but|while|adding|saying|noting)\b)"
)
# The source named last after the verb: "<clause>, said Teo, who was speaking ...".
SAID_BEFORE_SOURCE = re.compile(r",\s{1,3}(?:sa(?:id|ys)|added|noted|explained|stressed|wrote)\s+(?:the\s+)?$")
# A short descriptor between the clause's comma and the source ("Slovak security firms").
SOURCE_LAST_GAP = 60
ACCORDING_CUE = re.compile(r"\b[Aa]ccording\s+to\b")
# A shorter quoted phrase is a term or a scare quote, even near a speech verb.
DIRECT_SPAN_MIN_WORDS = 4
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


@stage("statements.v1", requires=("sentences", "actors"), assigns=("statements",))
def statements(doc: Document, settings: Settings) -> Document:
    """Fill `doc.statements` with direct quotes, reported speech and first-person speech.

    Args:
        doc: a document with sentences, mentions and actors.
        settings: unused apart from the stage signature.
    Returns:
        the same document with `statements` replaced, in text order.
    """
    doc.statements = find_statements(doc)
    return doc


class _Refs:
    """Actor references (name, surname, role noun, pronoun spans) in text order."""

    def __init__(self, actors: list[Actor]) -> None:
        self.items = sorted(((s.start, s.end, a) for a in actors for s in a.spans), key=lambda x: (x[0], x[1]))
        self.starts = [i[0] for i in self.items]

    def within(self, a: int, b: int) -> list[tuple[int, int, Actor]]:
        i = bisect_right(self.starts, a - 1)
        out = []
        while i < len(self.items) and self.items[i][0] < b:
            if self.items[i][1] <= b:
                out.append(self.items[i])
            i += 1
        return out

    def at(self, pos: int) -> tuple[int, int, Actor] | None:
        """The reference starting at `pos` (after skipping spaces), if any."""
        i = bisect_right(self.starts, pos) - 1
        if i >= 0 and self.items[i][0] <= pos < self.items[i][1]:
            return self.items[i]
        return None


def find_statements(doc: Document) -> list[Statement]:
    """All statements of the document, in text order, at most one per span."""
    text = doc.text
    paragraphs = [(p.start, p.end) for p in doc.paragraphs] or ([(0, len(text))] if text else [])
    sentences = list(doc.sentences) or [Span(a, b) for a, b in paragraphs]
    refs = _Refs(doc.actors)
    quotes = find_quotes(text, paragraphs)
    out = _direct(doc, quotes, paragraphs, sentences, refs)
    quoted = [(q.open, (q.close + 1) if q.close is not None else q.end) for q in quotes]
    reported = _reported(doc, sentences, refs, quoted)
    reported.extend(_carried_back(text, sentences, paragraphs, refs, quoted, reported + out))
    head = _headline(text, paragraphs)
    if head is not None:
        # A headline compresses a sentence of the body ("China accuses US of ..."): the body's
        # sentence is the statement, the headline would count it twice.
        reported = [r for r in reported if not head[0] <= r.span.start < head[1]]
    block = _block_quotes(doc, paragraphs, sentences, refs)
    if block:
        # The block's own sentences are direct speech: drop reported readings inside them.
        bspans = sorted((b.span.start, b.span.end) for b in block)
        out = [o for o in out if not in_spans(bspans, o.span.start)]
        reported = [r for r in reported if not in_spans(bspans, r.span.start)]
        out.extend(block)
    if doc.meta and doc.meta.speaker:
        first = first_person_statements(doc, sentences, quoted)
        # The speaker's own "Indonesia recognizes that ..." is first-person speech in the third
        # person: it counts under the same topic rule as "we ..." sentences.
        kept = [(f.span.start, f.span.end) for f in first]
        reported = [r for r in reported if r.speaker != doc.meta.speaker
                    or (CYBER.search(doc.text, r.span.start, min(r.span.end, r.span.start + MAX_SENTENCE))
                        and not any(a <= r.span.start < b for a, b in kept))]
        out.extend(first)
    joint = joint_statements(doc, sentences, quoted) if not (doc.meta and doc.meta.speaker) else []
    if joint:
        # The signatories' "we" sentences are theirs; a reported reading of them would repeat them.
        jspans = sorted({(j.span.start, j.span.end) for j in joint})
        reported = [r for r in reported if not in_spans(jspans, r.span.start)]
        out.extend(joint)
    joint_spans = {j.span for j in joint}
    out.extend(reported)
    out = _on_topic_only(doc, out, paragraphs, {(f.span.start, f.span.end) for f in first} if doc.meta and doc.meta.speaker
                         else set(), joint_spans)
    seen: set[tuple[int, int, str | None]] = set()
    result = []
    for st in sorted(out, key=lambda s: (s.span.start, s.span.end)):
        # one statement per span, except a joint statement's, which each signatory makes
        key = (st.span.start, st.span.end, st.speaker if st.span in joint_spans else None)
        if key in seen or st.span.end <= st.span.start:
            continue
        seen.add(key)
        result.append(st)
    return result


HEADLINE_MAX_WORDS = 25


def _on_topic_only(doc: Document, found: list[Statement], paragraphs: list[tuple[int, int]],
                   own: set[tuple[int, int]], joint: set[Span]) -> list[Statement]:
    """Drop quotes and reported speech off the cyber topic (a speech quoting its leader on guns,
    a communiqué's paragraph on the law of the sea): only what is said in a paragraph on the
    topic is a statement here. A document dense in cyber terms is on the topic throughout; one
    with no cyber term at all has no topic to tell its passages apart by (the prefilter judges it)."""
    ctx = CyberContext(doc.text)
    if ctx.dense or not ctx.core_hits:
        return found
    pstarts = [p[0] for p in paragraphs]
    keep = []
    for st in found:
        if (st.span.start, st.span.end) in own or st.span in joint:
            keep.append(st)
            continue
        i = bisect_right(pstarts, st.span.start) - 1
        pa, pb = paragraphs[i] if i >= 0 else (st.span.start, st.span.end)
        if CYBER.search(doc.text, pa, min(pb, pa + 4 * MAX_SENTENCE)):
            keep.append(st)
    return keep


def _headline(text: str, paragraphs: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The first paragraph when it is a title: short, one line, no closing punctuation."""
    if len(paragraphs) < 2:
        return None
    pa, pb = paragraphs[0]
    head = text[pa:pb].strip()
    if not head or "\n" in head or head[-1] in ".!?:\"\u201d" or len(head.split()) > HEADLINE_MAX_WORDS:
        return None
    return pa, pb


# --- direct quotes ---------------------------------------------------------------------------


def _sentence_bounds(sentences: list[Span], starts: list[int], pos: int) -> tuple[int, int]:
    i = bisect_right(starts, pos) - 1
    if 0 <= i < len(sentences) and sentences[i].start <= pos < sentences[i].end:
        return sentences[i].start, sentences[i].end
    return pos, pos


def _direct(doc: Document, quotes: list[Quote], paragraphs: list[tuple[int, int]], sentences: list[Span],
            refs: _Refs) -> list[Statement]:
    text = doc.text
    starts = [s.start for s in sentences]
    pstarts = [p[0] for p in paragraphs]
    attributed: list[tuple[Quote, Actor | None, Span | None, bool]] = []
    for k, q in enumerate(quotes):
        q_end = q.close + 1 if q.close is not None else q.end
        # The attribution window after the quote: to the end of its (last) sentence or the next quote.
        _, s_end = _sentence_bounds(sentences, starts, max(q.start, q.end - 1))
        nxt = quotes[k + 1].open if k + 1 < len(quotes) else len(text)
        after_hi = min(max(s_end, q_end), nxt, q_end + 300)
        s_start, _ = _sentence_bounds(sentences, starts, q.open if q.open < len(text) else q.start)
        prev = quotes[k - 1].close + 1 if k > 0 and quotes[k - 1].close is not None else 0
        before_lo = max(s_start, prev, q.open - 300)
        found = _attribution(text, refs, q_end, after_hi)
        # A speech verb right after the quote is its attribution, even if its subject ("she",
        # "a joint release") is no known actor; only without one may the words before attribute it.
        own_verb = _has_verb(text, q_end, min(after_hi, q_end + 40))
        if found is None and not own_verb:
            found = _attribution(text, refs, before_lo, q.open, before=True)
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


def _attribution(text: str, refs: _Refs, a: int, b: int, before: bool = False) -> tuple[Actor, Span] | None:
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
            or (inverts and c[0] >= verb.end() and c[0] - verb.end() <= VERB_GAP_AFTER)]
    if not near:
        return None
    ref = near[-1] if before else near[0]
    if ref[2].kind != "person":
        # "Julien Bastrup-Birk, a RUSI fellow and former UK official, suggested": the state in a
        # person's appositive is not the speaker; the person is
        for p in near:
            if p[2].kind == "person" and p[1] <= ref[0] and text[p[1]:p[1] + 1] == "," \
                    and not re.search(r"[.;:!?\"\u201c\u201d]", text[p[1]:ref[0]]):
                ref = p
    return ref[2], Span(verb.start(), verb.end())


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


def _kb():
    from ..kb import load_kb
    return load_kb()


def _has_verb(text: str, a: int, b: int) -> bool:
    return b > a and SPEECH_RE.search(text, a, b) is not None


def _inherit(doc: Document, attributed: list, k: int, paragraphs: list[tuple[int, int]], pstarts: list[int],
             refs: _Refs) -> Actor | None:
    """A speaker for an unattributed quote from the quotes and paragraphs around it."""
    text = doc.text
    q = attributed[k][0]
    pi = bisect_right(pstarts, q.open) - 1
    if pi < 0:
        return None
    pa, pb = paragraphs[pi]
    # 1. an attributed quote earlier in the same paragraph
    for j in range(k - 1, -1, -1):
        pq, actor, _, _ = attributed[j]
        if pq.open < pa:
            break
        if actor is not None:
            return actor
    lead = text[pa:q.open]
    if BULLET.match(lead):
        # a list item under "X accused the US of:" -- the introduction above the list speaks
        return _list_speaker(text, refs, paragraphs, pi)
    # Only a quote that opens its paragraph continues a speaker from around it.
    if lead.strip():
        return None
    # 2. the previous paragraph introduces the speaker ("X summarized ...:" or ends with a quote of X)
    if pi > 0:
        ppa, ppb = paragraphs[pi - 1]
        had_quote = False
        for j in range(k - 1, -1, -1):
            pq, actor, _, _ = attributed[j]
            if pq.open < ppa:
                break
            had_quote = True
            if actor is not None:
                return actor
        if not had_quote:
            # an introduction: "X summarized the meeting ..." or "X said:" ends the paragraph before
            found = _attribution(text, refs, ppa, ppb, before=True)
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
            found = _attribution(text, refs, npa, head_end)
            if found and found[1].start - npa < 60:
                return found[0]
    return None


# --- block quotes ------------------------------------------------------------------------------

# An introduction that names what follows: "X said:", "the statement reads:", "X published a statement".
INTRO_NOUN = re.compile(rf"\b{STATEMENT_NOUN}\b|\breads\b", re.I)
# The voice of a statement rather than of the reporter: the issuer speaks as "we".
# (Case matters: "US" is a state, not "us".)
WE_VOICE = re.compile(r"\b(?:[Ww]e|[Oo]urs?|us)\b")
# "X said:", "the statement reads:", "X said in a statement:": the cue sits right before the colon.
COLON_CUE_WINDOW = 60
# A quoted paragraph is prose: it opens with a capital (not a list bullet, heading or number).
PROSE_START = re.compile(r"[A-Z\u201c\"]")
BLOCK_MAX_PARAGRAPHS = 6


def _block_quotes(doc: Document, paragraphs: list[tuple[int, int]], sentences: list[Span],
                  refs: _Refs) -> list[Statement]:
    """Paragraphs quoted without quote marks after an introduction ("the EU said:", "X published
    a statement ...").

    News texts lose the indentation of block quotes, so the quote is recognised by its
    introduction and by its voice: after a colon the next paragraph is the quote; further
    paragraphs (and all of them after an introduction without a colon) count only while
    they speak as the issuer ("we", "our", or the issuer's own name near the start).
    """
    text = doc.text
    out: list[Statement] = []
    starts = [s.start for s in sentences]
    mentions = sorted(doc.mentions, key=lambda m: m.span.start)
    mstarts = [m.span.start for m in mentions]
    for pi, (pa, pb) in enumerate(paragraphs[:-1]):
        body = text[pa:pb].rstrip()
        if not body or _has_quote(text, pa, pb):
            continue
        colon = body.endswith(":")
        # the introduction is the paragraph's last sentence
        ls, _ = _sentence_bounds(sentences, starts, pa + len(body) - 1)
        ls = max(ls, pa)
        speaker = _intro_speaker(text, refs, ls, pa + len(body), colon)
        if speaker is None:
            continue
        names = {speaker.id, speaker.affiliation}
        taken = 0
        for qa, qb in paragraphs[pi + 1 : pi + 1 + BLOCK_MAX_PARAGRAPHS]:
            para = text[qa:qb].rstrip()
            if not para or not PROSE_START.match(para) or len(para.split()) < 5 or _has_quote(text, qa, qb) \
                    or para[-1] not in ".!?;" or _has_verb(text, qa, qb) \
                    and any(r[2].id not in names for r in refs.within(qa, qb)):
                break
            lo, hi = bisect_right(mstarts, qa - 1), bisect_right(mstarts, qa + 59)
            own = WE_VOICE.search(para) or any(mentions[j].kb_id in names for j in range(lo, hi))
            if not own and not (colon and taken == 0):
                break
            for si in range(bisect_right(starts, qa - 1), bisect_right(starts, qa + len(para) - 1)):
                s = sentences[si]
                e = min(s.end, qa + len(para))
                if len(text[s.start:e].split()) >= 3:
                    out.append(Statement(speaker.id, speaker.affiliation, True, Span(s.start, e), None))
            taken += 1
    return out


def _intro_speaker(text: str, refs: _Refs, a: int, b: int, colon: bool) -> Actor | None:
    """The speaker an introduction sentence text[a:b] names, if it introduces a quote."""
    for s, e, actor in refs.within(a, b):
        if ISSUED_AFTER_SUBJECT.match(text, e, b):
            return actor
    if colon:
        a = max(a, b - COLON_CUE_WINDOW)
        if not (SPEECH_RE.search(text, a, b) or INTRO_NOUN.search(text, a, b)):
            return None
        found = _attribution(text, refs, a, b, before=True)
        if found is not None:
            return found[0]
        if INTRO_NOUN.search(text, a, b):
            cands = refs.within(a, b)
            if cands:
                return cands[-1][2]
    return None


# A bullet line without a closing stop: a link to another article ("* Singapore, US pledge ...").
BULLET_LINK = re.compile(r"\s*[*\u2022\u25aa\u25cf>-]\s+[^\n]*?[^.!?:\"\u201d\s]\s*(?:\n|$)")
# A list item with at most a few words before its quote: "* Being “the world's ...”".
BULLET = re.compile(r"\s*(?:[*\u2022\u2013-]|\d{1,2}[.)])\s+(?:[\w'\u2019-]+\s+){0,3}$")
LIST_ITEM = re.compile(r"\s*(?:[*\u2022\u2013-]|\d{1,2}[.)])\s")


def _list_speaker(text: str, refs: _Refs, paragraphs: list[tuple[int, int]], pi: int) -> Actor | None:
    """The speaker of the colon introduction above a run of list items."""
    for j in range(pi - 1, max(-1, pi - 12), -1):
        pa, pb = paragraphs[j]
        body = text[pa:pb].rstrip()
        if LIST_ITEM.match(body):
            continue  # another item of the same list
        if not body.endswith(":"):
            return None
        found = _attribution(text, refs, max(pa, pb - 300), pb, before=True)
        return found[0] if found else None
    return None


# --- reported speech ---------------------------------------------------------------------------


def _reported(doc: Document, sentences: list[Span], refs: _Refs, quoted: list[tuple[int, int]]) -> list[Statement]:
    text = doc.text
    out: list[Statement] = []
    for sent in sentences:
        a, b = sent.start, min(sent.end, sent.start + MAX_SENTENCE)
        end = b
        while end > a and text[end - 1] in ".!?\"'\u201d\u2019 ":
            end -= 1
        if BULLET_LINK.match(text, a, b):
            continue  # a "related coverage" link under the article, not a sentence of it
        # A source named last speaks for the whole sentence, even when the clause has a subject
        # of its own ("Asean advocated ..., said Teo"): it is tried first.
        last = _source_last(text, a, end, refs, quoted)
        if last is not None:
            out.append(last)
        else:
            for s, e, actor in refs.within(a, b):
                if in_spans(quoted, s):
                    continue
                st = _reported_from(text, s, e, end, b, quoted)
                if st is not None and _substantial(text, st[0]):
                    span, cue = st
                    out.append(Statement(actor.id, actor.affiliation, False, span, cue))
                    break
        # "According to X, ..." (the clause after) or "..., according to X." (the clause before)
        for s, e, actor in refs.within(a, b):
            cue = ACCORDING_CUE.search(text, max(a, s - 16), s) or _according_with_title(text, refs, a, s)
            if cue is None or in_spans(quoted, s):
                continue
            cue_span = Span(cue.start(), cue.end())
            m = re.compile(r"[^,]{0,40}?,\s+").match(text, e, end)
            tail = text[e:end]
            if cue.start() - a > 20 and (not tail.strip() or tail.lstrip().startswith(",")
                                         and "." not in tail.strip(", ")[:-1]):
                # the source is named last: the statement is what comes before it
                cs, ce = a, cue.start()
                while ce > cs and text[ce - 1] in " ,;:\u2014-":
                    ce -= 1
                if ce > cs and not _has_quote(text, cs, ce):
                    out.append(Statement(actor.id, actor.affiliation, False, Span(cs, ce), cue_span))
            elif m and m.end() < end and (not _has_quote(text, m.end(), end) or text[m.end()].isupper()):
                # a quotation inside the clause is its own statement: the clause stops before it
                # (only for a clause of its own, "APT40 is ...", not an appositive "an executive at")
                ce = _until_quote(text, m.end(), end)
                if ce > m.end():
                    out.append(Statement(actor.id, actor.affiliation, False, Span(m.end(), ce), cue_span))
            break
    return out


# "according to Singapore's Minister for ..., Josephine Teo": the title between cue and name.
ACCORDING_TITLE = re.compile(r"\b[Aa]ccording\s+to\s+(?:the\s+)?[^.;:\"\u201c\u201d]{3,200}?,\s+$")


def _according_with_title(text: str, refs: _Refs, a: int, s: int) -> re.Match[str] | None:
    """An "according to" cue separated from the name by the person's title and a comma."""
    lo = max(a, s - 220)
    m = None
    for m in ACCORDING_CUE.finditer(text, lo, s):
        pass  # the last cue before the name
    if m is None:
        return None
    if not ACCORDING_TITLE.match(text, m.start(), s) or refs.within(m.end(), s - 1):
        return None  # another actor between cue and name is the source, not a title
    return m


# "<clause>, they said." closing a paragraph: the pronoun's source also speaks the sentence before.
OWN_SOURCE = re.compile(r"\b(?:said|says|told|according\s+to)\b", re.I)
PRONOUN_LAST = re.compile(r",\s+(?:he|she|they)\s+(?:said|added|noted|stressed|argued)\s*[.!]?\s*$")


def _carried_back(text: str, sentences: list[Span], paragraphs: list[tuple[int, int]], refs: _Refs,
                  quoted: list[tuple[int, int]], found: list[Statement]) -> list[Statement]:
    """The sentence before "<clause>, they said." in the same paragraph, when it names no
    source of its own: news reports a source's points as a run of sentences attributed once,
    at the end ("Member states had underscored X. Y was essential, they said.")."""
    starts = [x.start for x in sentences]
    pstarts = [p[0] for p in paragraphs]
    taken = sorted((st.span.start, st.span.end) for st in found)
    out = []
    for st in found:
        if st.direct:
            continue
        i = bisect_right(starts, st.span.start) - 1
        if i < 1 or sentences[i].start != st.span.start or not PRONOUN_LAST.search(text, st.span.end, sentences[i].end):
            continue
        prev = sentences[i - 1]
        pi = bisect_right(pstarts, prev.start) - 1
        if pi < 0 or paragraphs[pi][1] < sentences[i].start or prev.start < paragraphs[pi][0]:
            continue  # not in the same paragraph
        a, e = prev.start, prev.end
        while e > a and text[e - 1] in " \n":
            e -= 1
        if refs.within(a, e) or _long_quote_in(text, quoted, a, e) or in_spans(taken, a) \
                or OWN_SOURCE.search(text, a, e) or len(text[a:e].split()) < 6:
            continue
        out.append(Statement(st.speaker, st.affiliation, False, Span(a, e), st.cue))
    return out


def _source_last(text: str, a: int, end: int, refs: _Refs, quoted: list[tuple[int, int]]) -> Statement | None:
    """"<clause>, firm X said this week." -- the news convention of naming the source last."""
    for s, e, actor in reversed(refs.within(a, end)):
        inv = SAID_BEFORE_SOURCE.search(text, max(a, s - 24), s)
        if inv is not None and (e >= end or text[e:end].lstrip().startswith(",")):
            if in_spans(quoted, a) or _long_quote_in(text, quoted, a, inv.start()):
                return None
            span = Span(a, inv.start())
            if not _substantial(text, span):
                return None
            verb = re.search(r"[a-z]+", text[inv.start():inv.end()])
            cue = Span(inv.start() + verb.start(), inv.start() + verb.end()) if verb else None
            return Statement(actor.id, actor.affiliation, False, span, cue)
        pos = e
        coord = COORDINATED.match(text, pos, end)
        if coord and SOURCE_LAST.match(text, coord.end(), end):
            pos = coord.end()
        m = SOURCE_LAST.match(text, pos, end)
        if m is None:
            continue
        comma = text.rfind(",", a, s)
        if comma < 0 or s - comma > SOURCE_LAST_GAP or _long_quote_in(text, quoted, a, end) \
                or in_spans(quoted, a):
            return None
        span = Span(a, comma)
        if not _substantial(text, span):
            return None
        verb = re.search(r"\S+", text[pos:m.end()])
        cue = Span(pos + verb.start(), pos + verb.end()) if verb else None
        return Statement(actor.id, actor.affiliation, False, span, cue)
    return None


def _reported_from(text: str, s: int, e: int, end: int, b: int,
                   quoted: list[tuple[int, int]]) -> tuple[Span, Span] | None:
    """The reported clause after an actor reference at [s, e), with the verb span."""
    # Skip an appositive role after a name ("Chen Xu, Ambassador of China ..., emphasized").
    pos = e
    app = re.compile(r",[^,\"\u201c\u201d]{2,160},").match(text, pos, b)
    candidates = [pos] + ([app.end() - 1 + 1] if app else [])
    coord = COORDINATED.match(text, pos, b)
    if coord:
        candidates.append(coord.end())
    rel = REDUCED_RELATIVE.match(text, pos, b)
    if rel:
        candidates.append(rel.end())
    for p in candidates:
        m = THAT_AFTER.match(text, p, b)
        if m:
            cs = m.end()
            ce = _until_quote(text, cs, end)
            if ce > cs:
                return Span(cs, ce), Span(m.start(1), m.end(1))
        m = NP_AFTER.match(text, p, b)
        if m:
            cs = m.start(1)
            if m.end(1) < end and not _has_quote(text, m.end(1), end):
                return Span(cs, end), Span(m.start(1), m.end(1))
        m = SAID_CLAUSE.match(text, p, b)
        if m:
            cs = m.end()
            ce = _until_quote(text, cs, end)
            if ce > cs:
                return Span(cs, ce), Span(m.start(1), m.end(1))
    return None


def _substantial(text: str, span: Span) -> bool:
    """A reported clause with content: a few words, not a lead-in to a list ("accused the US of:")."""
    clause = text[span.start : span.end].strip()
    return len(clause.split()) >= 4 and not clause.endswith(":")


def _until_quote(text: str, a: int, b: int) -> int:
    """End of a reported clause: b, or where a direct quote starts inside it (the quote is its
    own statement), cut back to the last word; a stub shorter than four words gives a (none)."""
    q = min((i for i in (text.find('"', a, b), text.find("\u201c", a, b)) if i >= 0), default=-1)
    if q < 0:
        return b
    e = q
    while e > a and (text[e - 1].isspace() or text[e - 1] in ",;:\u2014-"):
        e -= 1
    clause = text[a:e]
    clause = re.sub(r"\s*,?\s*(?:which|who|that|and|but|saying|adding)$", "", clause)
    if len(clause.split()) < 4:
        return a
    return a + len(clause)


def _long_quote_in(text: str, quoted: list[tuple[int, int]], a: int, b: int) -> bool:
    """Does text[a:b] hold a quotation long enough to be a statement of its own? (A quoted term,
    "confidence-building", stays inside the reported clause.)"""
    i = bisect_right(quoted, (a, -1))
    while i < len(quoted) and quoted[i][0] < b:
        if len(text[quoted[i][0] : quoted[i][1]].split()) >= DIRECT_SPAN_MIN_WORDS:
            return True
        i += 1
    return _has_quote(text, a, b) and not quoted  # marks the quote finder did not pair


def _has_quote(text: str, a: int, b: int) -> bool:
    return any(c in text[a:b] for c in ('"', "\u201c", "\u201d"))
