"""Reported speech: "X stressed that ...", "X emphasized the importance of ...", "<clause>, X said",
"According to X, ...". The span is the reported clause. Split from stages/statements.py; the
reporting verbs are data (kb/data/lexicon/reporting.yaml).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..kb import lexicon
from ..model import Document, Span, Statement
from .direct_quotes import BULLET_LINK
from .speaking import COORDINATED
from .statement_refs import Refs, has_quote, long_quote_in, substantial, until_quote
from .voices import MAX_SENTENCE, in_spans

# Verbs that report speech with a noun-phrase object ("emphasized the importance of ...").
NP_VERBS = "|".join(lexicon.items("reporting.np_verbs"))
# Verbs that report speech with a clause ("said that ...", "recalled that ...").
THAT_VERBS = "|".join(lexicon.items("reporting.that_verbs"))
_AUX = r"(?:(?:has|have|had|also|then|later|again|further|repeatedly|publicly|strongly|firmly|on\s+\w+|last\s+\w+)\s+){0,3}"
NP_AFTER = re.compile(rf"\s{{1,3}}{_AUX}((?:{NP_VERBS})\b)")
THAT_AFTER = re.compile(rf"\s{{1,3}}{_AUX}((?:{THAT_VERBS}))(?:\s+[\w,]+){{0,6}}?\s+(that)\s+(?=\S)")
# "said" + a clause without "that": it opens with a determiner or pronoun, or a capitalised
# word that is not a time expression ("said SVR hackers orchestrated ...", not "said Monday").
SAID_CLAUSE = re.compile(
    rf"\s{{1,3}}{_AUX}(sa(?:id|ys|y)|claim(?:ed|s)?|believ(?:ed|es|e)|alleg(?:ed|es|e)|argu(?:ed|es|e)|contend(?:ed|s)?)\s+"
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
# A participle modifier between the speaker and the verb: "A top spokesman known for making
# provocative remarks on Tuesday rejected ...", "the minister, speaking in Brussels, said".
REDUCED_RELATIVE = re.compile(
    r"\s+(?:known|speaking|based|best\s+known|famous|notorious|writing|appearing|responding)\b"
    rf"[^,.;:\"\u201c\n]{{0,80}}?(?=\s+(?:{NP_VERBS}|{THAT_VERBS})\b)"
)
LOOSE_MODIFIER = re.compile(
    r"(?:,|\s+(?:from|of|at|with)(?=\s+(?:the\s+)?[A-Z]))[^,.;:\"\u201c\u201d\n]{2,120}?"
    rf"(?=\s+(?:{NP_VERBS}|{THAT_VERBS}|sa(?:id|ys))\b)"
)
# The source named last, after the reported clause: "<clause>, security firm X said this week."
SOURCE_LAST = re.compile(
    # (plural present too: "..., the researchers say", "..., Citizen Lab researchers explain")
    rf"\s{{1,3}}{_AUX}(?:sa(?:id|ys|y)|add(?:ed|s)?|not(?:ed|es|e)|told\s[\w ]{{1,30}}?|reported|wrote|warn(?:ed|s)?|"
    r"claim(?:ed|s)?|confirm(?:ed|s)?|announced|stated|explain(?:ed|s)?|believ(?:ed|es|e))(?:\s+(?:on|in|at|this|last|a|an|the|earlier|late|early|[A-Z]?[a-z]+day|week|month|"
    r"year|statement|report|interview|release|blog|post|today|yesterday)){0,5}"
    # the sentence ends, or goes on with a relative or a second verb: "..., he added, which he said ..."
    r"(?:\s*$|,\s+(?:which|who|as|and|but|while|adding|saying|noting)\b)"
)
# The source's role between its name and the verb, its closing comma dropped or not.
SOURCE_APPOSITIVE = re.compile(r",[^,.;:\"\u201c\u201d\n]{2,100}?,?(?=\s+(?:said|says|told|added|noted|wrote|explained)\b)")
# The source named last after the verb: "<clause>, said Teo, who was speaking ...".
SAID_BEFORE_SOURCE = re.compile(r",\s{1,3}(?:sa(?:id|ys)|added|noted|explained|stressed|wrote)\s+(?:the\s+)?$")
# A short descriptor between the clause's comma and the source ("Slovak security firms").
SOURCE_LAST_GAP = 60
ACCORDING_CUE = re.compile(r"\b[Aa]ccording\s+to\b")


def reported_speech(doc: Document, sentences: list[Span], refs: Refs, quoted: list[tuple[int, int]]) -> list[Statement]:
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
                if st is not None and substantial(text, st[0]):
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
                if ce > cs and not has_quote(text, cs, ce):
                    out.append(Statement(actor.id, actor.affiliation, False, Span(cs, ce), cue_span))
            elif m and m.end() < end and (not has_quote(text, m.end(), end) or text[m.end()].isupper()):
                # a quotation inside the clause is its own statement: the clause stops before it
                # (only for a clause of its own, "APT40 is ...", not an appositive "an executive at")
                ce = until_quote(text, m.end(), end)
                if ce > m.end():
                    out.append(Statement(actor.id, actor.affiliation, False, Span(m.end(), ce), cue_span))
            break
    return out


# "according to Singapore's Minister for ..., Josephine Teo": the title between cue and name.
ACCORDING_TITLE = re.compile(r"\b[Aa]ccording\s+to\s+(?:the\s+)?[^.;:\"\u201c\u201d]{3,200}?,\s+$")


def _according_with_title(text: str, refs: Refs, a: int, s: int) -> re.Match[str] | None:
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


def carried_back(text: str, sentences: list[Span], paragraphs: list[tuple[int, int]], refs: Refs,
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
        if refs.within(a, e) or long_quote_in(text, quoted, a, e) or in_spans(taken, a) \
                or OWN_SOURCE.search(text, a, e) or len(text[a:e].split()) < 6:
            continue
        out.append(Statement(st.speaker, st.affiliation, False, Span(a, e), st.cue))
    return out


def _source_last(text: str, a: int, end: int, refs: Refs, quoted: list[tuple[int, int]]) -> Statement | None:
    """"<clause>, firm X said this week." -- the news convention of naming the source last."""
    for s, e, actor in reversed(refs.within(a, end)):
        inv = SAID_BEFORE_SOURCE.search(text, max(a, s - 24), s)
        if inv is not None and (e >= end or text[e:end].lstrip().startswith(",")):
            if in_spans(quoted, a) or long_quote_in(text, quoted, a, inv.start()):
                return None
            span = Span(a, inv.start())
            if not substantial(text, span):
                return None
            verb = re.search(r"[a-z]+", text[inv.start():inv.end()])
            cue = Span(inv.start() + verb.start(), inv.start() + verb.end()) if verb else None
            return Statement(actor.id, actor.affiliation, False, span, cue)
        pos = e
        app = SOURCE_APPOSITIVE.match(text, pos, end)
        if app:
            pos = app.end()  # "<clause>, David C., managing director at Nominet told Threatpost."
        coord = COORDINATED.match(text, pos, end)
        if coord and SOURCE_LAST.match(text, coord.end(), end):
            pos = coord.end()
        m = SOURCE_LAST.match(text, pos, end)
        if m is None:
            continue
        comma = text.rfind(",", a, s)
        if comma < 0 or s - comma > SOURCE_LAST_GAP or long_quote_in(text, quoted, a, end) \
                or in_spans(quoted, a):
            return None
        span = Span(a, comma)
        if not substantial(text, span):
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
    # An appositive whose closing comma the writer dropped ("Lisa P., interim director of the
    # NCSA (NCSA) said ..."), or where the person is from ("Dirk S. from New Net Technologies said").
    loose = LOOSE_MODIFIER.match(text, pos, b)
    if loose:
        candidates.append(loose.end())
    for p in candidates:
        m = THAT_AFTER.match(text, p, b)
        if m:
            cs = m.end()
            ce = until_quote(text, cs, end)
            if ce > cs:
                return Span(cs, ce), Span(m.start(1), m.end(1))
        m = NP_AFTER.match(text, p, b)
        if m:
            cs = m.start(1)
            if m.end(1) < end and not has_quote(text, m.end(1), end):
                return Span(cs, end), Span(m.start(1), m.end(1))
        m = SAID_CLAUSE.match(text, p, b)
        if m:
            cs = m.end()
            ce = until_quote(text, cs, end)
            if ce > cs:
                return Span(cs, ce), Span(m.start(1), m.end(1))
    return None
