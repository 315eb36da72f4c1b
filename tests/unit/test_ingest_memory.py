"""Ingest memory stays flat after warm-up (issue 4: peak RSS <= 500 MB over 10,000 documents).

The full 10,000-page figure comes from bench/rss.py (minutes); these tests catch the cause of
growth early and fast: after a warm-up batch, a second batch of new, different documents must
leave almost no Python memory behind, and no unbounded cache may gain entries per document.
"""

from __future__ import annotations

import functools
import gc
import os
import sys
import tracemalloc
import types
from pathlib import Path

import pytest

from normwatch.ingest import CACHE_RELEASE_EVERY, ingest, release_text_caches
from normwatch.kb import loader as kb_loader
from normwatch.settings import Settings
from normwatch.sources.files import iter_walk, walk
from normwatch.store import Store

# Packages whose module-level caches live as long as an ingest process.
WATCHED = ("normwatch", "trafilatura", "htmldate", "courlan", "justext", "dateparser", "py3langid", "lxml")
# Python memory a batch of 50 documents (about 4,000 characters each) may leave behind once warm.
# Measured: 0.12 MB (normwatch's bounded sentence caches still filling); keeping each document's
# cleaned text leaks 0.32 MB, keeping each Document 0.8 MB. Ingest empties trafilatura's text caches
# every 50 documents (CACHE_RELEASE_EVERY), so the batch ends with them empty.
WARM_UP = 10
BATCH = 50
RETAINED_LIMIT = 220_000

FILLER = ("delegates discussed capacity building programmes for regional computer emergency teams and "
          "the exchange of threat information between agencies over the coming years").split()
STATES = ["Estonia", "Germany", "France", "Japan", "Brazil", "Kenya", "Canada", "India", "Chile", "Norway"]
FIRST = ["Anna", "Lukas", "Maria", "Tomas", "Ines", "Kofi", "Priya", "Jonas", "Sofia", "Mateo"]


def background(i: int) -> str:
    """About 3,000 characters of plain prose that differ per page (a leak of the text shows)."""
    words = [f"{FILLER[(i + k) % len(FILLER)]}{'' if k % 5 else (i * 31 + k) % 997}" for k in range(400)]
    sentences = [" ".join(words[k:k + 20]).capitalize() + "." for k in range(0, len(words), 20)]
    return "</p>\n<p>".join(" ".join(sentences[k:k + 5]) for k in range(0, len(sentences), 5))


def page(i: int) -> str:
    """A small news page, different in names, numbers and words from every other `i`."""
    state = STATES[i % len(STATES)]
    other = STATES[(i * 7 + 3) % len(STATES)]
    name = f"{FIRST[i % len(FIRST)]} Varga{i:04d}"
    word = f"op{i * 7919 % 100003:05d}"
    return f"""<html><head><title>Cyber talks {i}: {state} and {other}</title>
<meta name="date" content="2019-{i % 12 + 1:02d}-{i % 27 + 1:02d}"></head><body><article>
<h1>Cyber talks {i}: {state} and {other}</h1>
<p>The foreign minister of {state}, {name}, said on Tuesday that the Budapest Convention remained
the best basis for fighting cybercrime, and that a new UN treaty was not needed.</p>
<p>"We will not accept attacks on our networks such as the {word} campaign," {name} told
reporters in the capital, adding that {other} had been blamed for the DDoS attack number {i}.</p>
<p>Officials in {other} denied any role in the hacking, calling the claims about operation
{word} baseless. Experts said that {i * 13} servers were affected over {i % 9 + 2} days.</p>
<p>The Paris Call for Trust and Security in Cyberspace was mentioned by several delegates, and
{state} said it supports norms of responsible state behaviour in cyberspace.</p>
<p>{background(i)}</p>
</article></body></html>"""


def write_pages(folder: Path, start: int, stop: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, stop):
        (folder / f"p{i:04d}.html").write_text(page(i), encoding="utf-8")
    return folder


def unbounded_cache_sizes() -> dict[str, int]:
    """Entries held by every `functools.lru_cache(maxsize=None)`/`functools.cache` of the watched packages."""
    sizes: dict[str, int] = {}
    for modname, mod in list(sys.modules.items()):
        if not modname.startswith(WATCHED) or not isinstance(mod, types.ModuleType):
            continue
        for attr, obj in list(vars(mod).items()):
            candidates = [obj]
            if isinstance(obj, type):
                candidates = [getattr(obj, a, None) for a in vars(obj)]
            for fn in candidates:
                info = getattr(fn, "cache_info", None)
                params = getattr(fn, "cache_parameters", None)
                if isinstance(fn, functools._lru_cache_wrapper) and info and params and params()["maxsize"] is None:
                    sizes[f"{modname}.{attr}"] = info().currsize
    return sizes


@pytest.fixture
def store(tmp_path: Path):
    s = Store(f"sqlite:///{tmp_path / 'mem.db'}")
    yield s
    s.close()


def test_pages_are_ingested_with_facts(tmp_path: Path, store: Store) -> None:
    """The generated pages are real input for the memory test: stored, distinct, with facts."""
    folder = write_pages(tmp_path / "a", 0, 6)
    counts = ingest([str(folder)], store, Settings(db=store.url))
    assert counts.stored == 6 and counts.rejected == 0 and counts.filtered == 0
    assert counts.facts.get("actors", 0) >= 6


def test_second_batch_leaves_no_memory_behind_issue_4(tmp_path: Path, store: Store) -> None:
    """After a warm-up, 50 new documents keep < 0.22 MB of Python memory and grow no unbounded cache."""
    assert BATCH % CACHE_RELEASE_EVERY == 0
    # Between the two batches too, an edit of the package KB by someone else must not load a second KB.
    with kb_loader.pinned():
        measure_second_batch(tmp_path, store)


def measure_second_batch(tmp_path: Path, store: Store) -> None:
    settings = Settings(db=store.url)
    first = ingest([str(write_pages(tmp_path / "a", 0, WARM_UP))], store, settings)
    assert first.stored == WARM_UP
    second_dir = write_pages(tmp_path / "b", WARM_UP, WARM_UP + BATCH)
    gc.collect()
    caches_before = unbounded_cache_sizes()
    # one frame keeps tracing cheap; the statistics on failure still name the allocating line
    tracemalloc.start(1)
    try:
        second = ingest([str(second_dir)], store, settings)
        gc.collect()
        retained, _peak = tracemalloc.get_traced_memory()
        snap = tracemalloc.take_snapshot() if retained > RETAINED_LIMIT else None
        if snap is not None:
            # One block over 1 MB from a single line is an interpreter table doubling (the
            # interned-strings dict when pathlib interns the new file names), not memory kept per
            # document; whether it falls in this window depends on the tests run before (issue 13).
            resized = sum(st.size for st in snap.statistics("lineno") if st.count == 1 and st.size > 1 << 20)
            retained -= resized
            if retained <= RETAINED_LIMIT:
                snap = None
    finally:
        tracemalloc.stop()
    assert second.stored == BATCH
    grown = {k: v - caches_before.get(k, 0) for k, v in unbounded_cache_sizes().items()
             if v - caches_before.get(k, 0) > 2}
    assert not grown, f"unbounded caches gained entries per document: {grown}"
    if snap is not None:
        top = "\n".join(str(st) for st in snap.statistics("lineno")[:8])
        pytest.fail(f"{BATCH} documents left {retained / 1e6:.2f} MB behind; biggest holders:\n{top}")


def test_release_text_caches_empties_bounded_caches_only() -> None:
    """trafilatura's per-text caches are emptied; its unbounded set-up caches are kept."""
    import trafilatura
    from trafilatura import utils

    trafilatura.bare_extraction(page(1))
    assert utils.trim.cache_info().currsize > 0
    unbounded = unbounded_cache_sizes()
    assert release_text_caches() > 0
    assert utils.trim.cache_info().currsize == 0 and utils.line_processing.cache_info().currsize == 0
    assert unbounded_cache_sizes() == unbounded
    assert release_text_caches() == 0


def test_a_batch_sees_one_kb_even_when_its_files_change(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside `pinned()` the package KB is not rebuilt; outside, a changed file set rebuilds it."""
    kb = kb_loader.load_kb()
    monkeypatch.setattr(kb_loader, "RECHECK_SECONDS", 0.0)
    monkeypatch.setattr(kb_loader, "_signature", lambda path: ("edited",))
    with kb_loader.pinned():
        with kb_loader.pinned():
            assert kb_loader.load_kb() is kb
        assert kb_loader.load_kb() is kb
    assert kb_loader.load_kb() is not kb


def test_ingest_pins_the_kb(tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """`ingest` runs its whole batch inside `pinned()`."""
    seen: list[int] = []
    monkeypatch.setattr("normwatch.ingest._ingest", lambda *a: seen.append(kb_loader._pins) or "done")
    assert ingest([], store, Settings(db=store.url)) == "done"
    assert seen == [kb_loader._pins + 1]


def test_iter_walk_streams_in_sorted_path_order(tmp_path: Path) -> None:
    """Directories are listed as needed, yet the order is that of sorting every full path."""
    for rel in ("a/x.html", "a-b.html", "a.html", "a0/y.html", "b.html", "a/sub/z.html", ".hidden/q.html",
                "a/.h.html", "A.html"):
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x", encoding="utf-8")
    it = iter_walk(str(tmp_path))
    assert isinstance(it, types.GeneratorType)
    got = list(it)
    expected = sorted(os.path.join(d, f) for d, ds, fs in os.walk(tmp_path)
                      if "/." not in d.removeprefix(str(tmp_path)) for f in fs if not f.startswith("."))
    assert got == expected
    assert walk(str(tmp_path)) == got
    assert not any("/." in p for p in got)
