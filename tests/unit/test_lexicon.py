"""The lexicon loader: cue tables as validated data (issue 11, "knowledge as data")."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from normwatch.cli_kb import kb
from normwatch.kb import lexicon
from normwatch.kb.lexicon import check_lexicon, load_lexicon


def _write(tmp_path: Path, body: str) -> Path:
    d = tmp_path / "lexicon"
    d.mkdir(exist_ok=True)
    (d / "cues.yaml").write_text(body, encoding="utf-8")
    return d


def test_package_lexicon_is_valid_and_feeds_the_speech_verbs():
    assert check_lexicon() == []
    assert "say" in lexicon.items("speech.speech_verbs")
    from normwatch.extraction import speech

    assert speech.SPEECH_VERBS == lexicon.items("speech.speech_verbs")
    assert speech.SPEECH_RE.search("the minister said on Tuesday")


def test_words_are_escaped_whitespace_flexible_longest_first(tmp_path):
    lex = load_lexicon(_write(tmp_path, """
tables:
  verbs:
    about: test verbs
    kind: words
    items: [call, call for, "U.S."]
"""))
    pat = lex.pattern("cues.verbs")
    assert pat.search("they CALL\n  FOR a treaty").group(0).lower().split() == ["call", "for"]
    assert not pat.search("recall")             # whole words only
    assert not pat.search("UxS.")               # the dot is literal


def test_patterns_prefix_suffix_and_case(tmp_path):
    lex = load_lexicon(_write(tmp_path, r"""
tables:
  before:
    about: an accusation right before a name
    case: sensitive
    wrap: none
    suffix: "\\s+$"
    items: ["blamed", "attributed (?:it )?to"]
"""))
    pat = lex.pattern("cues.before")
    assert pat.search("the UK attributed it to ")
    assert not pat.search("the UK ATTRIBUTED to ")
    assert not pat.search("blamed the")


@pytest.mark.parametrize("body, fragment", [
    ("tables:\n  x:\n    about: a\n    items: ['(unclosed']\n", "not a valid regular expression"),
    ("tables:\n  x:\n    items: [a]\n", "'about'"),
    ("tables:\n  x:\n    about: a\n    items: []\n", "non-empty list"),
    ("tables:\n  Bad-Name:\n    about: a\n    items: [a]\n", "snake_case"),
    ("tables:\n  x:\n    about: a\n    kind: fuzzy\n    items: [a]\n", "kind/case/wrap"),
    ("tables:\n  x:\n    about: a\n    colour: red\n    items: [a]\n", "unknown keys"),
    ("tables:\n  x:\n    about: a\n    items: [a, a]\n", "repeated items"),
    ("nothing: here\n", "top-level 'tables'"),
])
def test_bad_tables_are_reported(tmp_path, body, fragment):
    d = _write(tmp_path, body)
    problems = check_lexicon(d)
    assert any(fragment in p for p in problems), problems
    with pytest.raises(ValueError, match="NW702"):
        load_lexicon(d)


def test_unknown_table_names_the_known_ones(tmp_path):
    lex = load_lexicon(_write(tmp_path, "tables:\n  x:\n    about: a\n    items: [a]\n"))
    with pytest.raises(KeyError, match="cues.x"):
        lex.items("cues.y")


def test_kb_validate_reports_lexicon_problems(tmp_path):
    import shutil

    from normwatch.kb import DATA_DIR

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "lexicon" / "broken.yaml").write_text("tables:\n  x:\n    about: a\n    items: ['[']\n")
    result = CliRunner().invoke(kb, ["--data", str(data), "validate"])
    assert result.exit_code == 1, result.output
    assert "broken.x" in result.output
