"""The store's tables, in portable SQLAlchemy Core.

Everything here runs unchanged on SQLite and PostgreSQL; what differs (full-text
search, pragmas) lives in the dialect adapters (`sqlite.py`, `generic.py`).
Facts carry their document id and span (`start`, `end`) so every row can be shown
in context. Machine facts are replaced on re-extraction; human review decisions
live in `reviews`, keyed by a fact's natural key, so they survive it.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# Characters a document id may have (documents.id and every column naming a document). JSONL
# inputs may bring their own ids, longer than the 64 of a content hash; migration 0010 widened
# the columns from 64, and the sources refuse a longer id with a one-line error (NW110).
DOC_ID_CHARS = 512


def _fact_table(name: str, *items, span: bool = True) -> Table:
    """A fact table: row id, its document, the kind's own columns, its span, an index on the document.

    The shared columns stand in the same places as in the tables migrations 0001 and 0005 created
    (id, doc_id first; start, end after the kind's columns; `ix_<name>_doc` first), so the DDL is
    unchanged. `items` are the kind's columns followed by its other indexes; `span=False` for
    kinds whose spans are a JSON list (actors, incidents).
    """
    columns = [c for c in items if isinstance(c, Column)]
    indexes = [i for i in items if not isinstance(i, Column)]
    spans_ = [Column("start", Integer, nullable=False), Column("end", Integer, nullable=False)] if span else []
    return Table(name, metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                 Column("doc_id", String(DOC_ID_CHARS), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
                 *columns, *spans_, Index(f"ix_{name}_doc", "doc_id"), *indexes)


documents = Table(
    "documents",
    metadata,
    Column("id", String(DOC_ID_CHARS), primary_key=True),
    Column("source", Text, nullable=False),
    Column("raw_ref", Text),
    Column("url", Text),
    Column("title", Text),
    Column("publisher", Text),
    Column("author", Text),
    Column("published", String(10)),
    Column("language", String(8)),
    Column("speaker", String(128)),
    Column("text", Text, nullable=False),
    Column("chars", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),  # normalised text only, URL left out
    Column("minhash", LargeBinary, nullable=False),  # neardup.signature, for confirming candidates
    Column("near_duplicate_of", String(DOC_ID_CHARS), ForeignKey("documents.id")),
    Column("run_id", Integer, ForeignKey("runs.id")),
    Column("ingested_at", String(32), nullable=False),
    Index("ix_documents_content_hash", "content_hash"),
    Index("ix_documents_url", "url"),
    Index("ix_documents_published", "published"),
    Index("ix_documents_ingested_at", "ingested_at"),
    Index("ix_documents_published_id", "published", "id"),  # keyset pages by date, no sort step
    Index("ix_documents_id_published", "id", "published"),  # fact lists by date: no document row read
)

# LSH bands of each document's MinHash: a shared (band, key) row makes two documents candidates
minhash_bands = Table(
    "minhash_bands",
    metadata,
    Column("doc_id", String(DOC_ID_CHARS), ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("band", Integer, primary_key=True),
    Column("key", BigInteger, nullable=False),
    Index("ix_minhash_bands_key", "band", "key"),
)

spans = Table(
    "spans",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(DOC_ID_CHARS), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("layer", String(32), nullable=False),  # paragraph, sentence, mention
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("label", String(128)),  # KB id for mentions
    Column("how", String(32)),
    Index("ix_spans_doc", "doc_id", "layer"),
    Index("ix_spans_label", "label"),
)

actors = _fact_table(
    "actors",
    Column("actor", String(128), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("name", Text, nullable=False),
    Column("role", Text),
    Column("affiliation", String(128)),
    Column("spans", Text, nullable=False),  # JSON [[start, end], ...]
    Index("ix_actors_actor", "actor"),
    Index("ix_actors_affiliation", "affiliation"),
    Index("ix_actors_actor_name", "actor", "name"),  # max(name) per actor is one seek
    Index("ix_actors_actor_role", "actor", "role"),
    span=False,
)

statements = _fact_table(
    "statements",
    Column("speaker", String(128)),
    Column("affiliation", String(128)),
    Column("direct", Boolean, nullable=False),
    Index("ix_statements_speaker", "speaker"),
    Index("ix_statements_affiliation", "affiliation"),
)

stances = _fact_table(
    "stances",
    Column("actor", String(128), nullable=False),
    Column("affiliation", String(128)),
    Column("target", String(128), nullable=False),
    Column("polarity", String(8), nullable=False),
    Column("confidence", Float, nullable=False),
    Index("ix_stances_target", "target"),
    Index("ix_stances_actor", "actor"),
    Index("ix_stances_affiliation", "affiliation"),
    Index("ix_stances_actor_target", "actor", "target"),
    Index("ix_stances_affiliation_target", "affiliation", "target"),
    Index("ix_stances_target_doc", "target", "doc_id"),  # by-date lists of a target: no stance row read
    Index("ix_stances_target_polarity_doc", "target", "polarity", "doc_id"),  # polarity filter from the index
)

instrument_mentions = _fact_table(
    "instrument_mentions",
    Column("instrument", String(128), nullable=False),
    Index("ix_instrument_mentions_instrument", "instrument"),
)

subscriptions = _fact_table(
    "subscriptions",
    Column("actor", String(128), nullable=False),
    Column("instrument", String(128), nullable=False),
    Column("action", String(16), nullable=False),
    Column("date", String(10)),
    Index("ix_subscriptions_instrument", "instrument"),
)

incidents = _fact_table(
    "incidents",
    Column("incident", String(128), nullable=False),
    Column("victim", String(128)),
    Column("type", String(32)),
    Column("date", String(10)),
    Column("spans", Text, nullable=False),  # JSON [[start, end], ...]
    Index("ix_incidents_incident", "incident"),
    span=False,
)

attributions = _fact_table(
    "attributions",
    Column("incident_row", Integer, ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("incident", String(128), nullable=False),
    Column("accused", String(128)),
    Column("claimant", String(128)),
    Column("certainty", String(16), nullable=False),
    Column("via", String(32), nullable=False),
    Index("ix_attributions_incident", "incident"),
    Index("ix_attributions_accused", "accused"),
)

events = _fact_table(
    "events",
    Column("event", String(128), nullable=False),
    Column("name", Text),
    Column("place", Text),
    Column("start_date", String(10)),
    Column("end_date", String(10)),
    Column("participants", Text, nullable=False),  # JSON list of actor ids
    Column("outcome", Text),
    Index("ix_events_event", "event"),
)

rejections = Table(
    "rejections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("runs.id")),
    Column("doc_id", String(DOC_ID_CHARS)),
    Column("source", Text, nullable=False),
    Column("raw_ref", Text, nullable=False),
    Column("stage", String(32), nullable=False),
    Column("code", String(8), nullable=False),
    Column("detail", Text, nullable=False),
    Column("count", Integer, nullable=False, default=1),  # times seen; re-runs bump it instead of duplicating
    Column("first_seen", String(32), nullable=False),
    Column("last_seen", String(32), nullable=False),
    UniqueConstraint("raw_ref", "stage", "code", name="uq_rejections_ref"),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("command", String(32), nullable=False),
    Column("inputs", Text, nullable=False),  # JSON list
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32)),
    Column("counts", Text),  # JSON
    Column("status", String(16), nullable=False, default="running"),  # running, done, failed, interrupted
    Column("owner", String(255)),  # host:pid:start time of the process running it (0007, issue 13)
)

reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(DOC_ID_CHARS), nullable=False),
    Column("fact_kind", String(32), nullable=False),
    Column("fact_key", Text, nullable=False),  # natural key, e.g. "actor|target|polarity|start|end"
    Column("decision", String(16), nullable=False),  # accepted, rejected, corrected
    Column("correction", Text),  # JSON
    Column("reviewer", String(128)),
    Column("at", String(32), nullable=False),
    UniqueConstraint("doc_id", "fact_kind", "fact_key", name="uq_reviews_fact"),
)

# --- issue 11: attribution claims as first-class facts (migration 0005) ----------------------
# Every accusation or denial of a document, whether or not its incident is known; `incident` is
# the KB or new incident it is about (null when none could be resolved). `attributions` keeps the
# claims that have an incident row, as the contract's incidents[].attributions view.
claims = _fact_table(
    "claims",
    Column("incident", String(128)),
    Column("accused", String(128)),
    Column("actor", String(128)),
    Column("claimant", String(128)),
    Column("certainty", String(16), nullable=False),
    Column("via", String(32), nullable=False),
    Column("basis", String(24), nullable=False, default="text"),
    Index("ix_claims_incident", "incident"),
    Index("ix_claims_accused", "accused"),
    Index("ix_claims_claimant", "claimant"),
)
# A new incident's readable title ("Espionage against Norway by APT28 (2017)"); KB incidents take
# their KB name. Added by migration 0005.
incidents.append_column(Column("title", Text))

FACT_TABLES = (actors, statements, stances, instrument_mentions, subscriptions, attributions, incidents, events, spans,
               claims)

# -- issue 14: review state on facts, accounts, tokens, sessions, the audit trail ------------------
# Every fact row carries its natural key (`fact_key`, computed at insert by store/reviews.py from
# the kind's key fields), its review state (NULL machine-made, confirmed, corrected, rejected) and
# `kept` (a reviewed fact that re-extraction no longer found, put back from its review). The
# columns are appended here rather than written into each table above, so other work on those
# tables does not collide with this block; migration 0008 adds them to existing stores.
REVIEWED_TABLES = (actors, statements, stances, instrument_mentions, subscriptions, incidents, attributions, events,
                   claims)  # claims: issue 11, its columns created by migration 0005
for _t in REVIEWED_TABLES:
    _t.append_column(Column("fact_key", Text))
    _t.append_column(Column("review", String(16)))
    _t.append_column(Column("kept", Boolean))
    # partial index: reviewed rows are few, so "hide rejected" is an id set read from this small
    # index, and the list queries keep answering from their covering indexes
    Index(f"ix_{_t.name}_reviewed", _t.c.review, _t.c.id, sqlite_where=_t.c.review.is_not(None),
          postgresql_where=_t.c.review.is_not(None))
    Index(f"ix_{_t.name}_doc_key", _t.c.doc_id, _t.c.fact_key)
del _t

reviews.append_column(Column("reason", Text))  # the reviewer's why, free text
reviews.append_column(Column("snapshot", Text))  # JSON: the fact as reviewed, to put back if re-extraction loses it

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),  # reviewer | admin
    Column("password_hash", Text),  # argon2id; NULL: token-only account, cannot log in to the web UI
    Column("created_at", String(32), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("public_id", String(16), nullable=False, unique=True),  # the token's visible prefix, for lookup
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("name", String(128)),
    Column("hash", String(64), nullable=False),  # HMAC-SHA256 of the secret part under the server secret
    Column("scopes", String(64), nullable=False),  # space-separated: read review admin
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
    Column("revoked_at", String(32)),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),  # HMAC of the cookie value: a leaked table opens no session
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
)

# append-only: the application only inserts; migration 0008 adds triggers refusing UPDATE and DELETE
audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("user", String(64), nullable=False),
    Column("action", String(32), nullable=False),  # review.confirmed, review.rejected, review.corrected, user.add, token.create ...
    Column("doc_id", String(DOC_ID_CHARS)),
    Column("fact_kind", String(32)),
    Column("fact_key", Text),
    Column("before", Text),  # JSON
    Column("after", Text),  # JSON
    Column("reason", Text),
    Index("ix_audit_fact", "doc_id", "fact_kind", "fact_key"),
    Index("ix_audit_user", "user", "at"),
    Index("ix_audit_at", "at"),
)

# -- issue 15: PDF page maps, watched sources, alerts ---------------------------------------------

# One row per document read from a PDF: its UN symbol and the page each offset range is on.
document_layout = Table(
    "document_layout",
    metadata,
    Column("doc_id", String(DOC_ID_CHARS), ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("symbol", String(128)),
    Column("page_count", Integer, nullable=False),
    Column("pages", Text, nullable=False),  # JSON [[start, page], ...], starts ascending
    Index("ix_document_layout_symbol", "symbol"),
)

# A source `normwatch watch` polls (a feed, a news sitemap, an index page), keyed by its URL.
watch_sources = Table(
    "watch_sources",
    metadata,
    Column("url", Text, primary_key=True),
    Column("name", Text),
    Column("kind", String(16), nullable=False),  # feed, sitemap, index
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_poll", String(32)),
    Column("last_success", String(32)),
    Column("last_error", Text),
    Column("last_error_at", String(32)),
    Column("failures", Integer, nullable=False, default=0),  # consecutive, for the backoff
    Column("next_poll", String(32)),  # not polled before this time (backoff); null: any time
    Column("items_found", Integer, nullable=False, default=0),
    Column("items_ingested", Integer, nullable=False, default=0),
)

# Every item URL a watched source listed; fetched at most once, whatever came of it.
watch_items = Table(
    "watch_items",
    metadata,
    Column("url", Text, primary_key=True),
    Column("source_url", Text, nullable=False),
    Column("first_seen", String(32), nullable=False),
    Column("fetched_at", String(32)),
    Column("status", String(16), nullable=False),  # pending, retry, stored, exists, filtered, rejected, disallowed, failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("doc_id", String(DOC_ID_CHARS)),
    Column("detail", Text),
    Index("ix_watch_items_source", "source_url", "first_seen"),
)

# A saved query: new facts of one kind naming one target, served as an Atom feed (and a webhook).
alerts = Table(
    "alerts",
    metadata,
    Column("id", String(64), primary_key=True),  # slug, the feed is /feeds/<id>.atom
    Column("kind", String(16), nullable=False),  # attribution, stance, subscription
    Column("target", String(128), nullable=False),  # state:RUS, instrument:budapest-convention
    Column("webhook_url", Text),
    Column("secret", Text),  # HMAC-SHA256 key of the webhook body
    Column("created_at", String(32), nullable=False),
    Column("delivered_until", Text),  # "<ingested_at> <doc id>" of the last document whose facts were posted
    Column("last_delivery", String(32)),
    Column("last_delivery_error", Text),
)
