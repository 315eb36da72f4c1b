"""One name per setting everywhere: code, CLI option, environment variable."""

from __future__ import annotations

from pathlib import Path

from normwatch.settings import SETTINGS, Settings, env_name, option_name

README = Path(__file__).resolve().parents[2] / "README.md"


def test_environment_then_overrides(monkeypatch):
    monkeypatch.setenv("NORMWATCH_MIN_TEXT_CHARS", "42")
    monkeypatch.setenv("NORMWATCH_ALLOW_PRIVATE", "yes")
    s = Settings.load()
    assert s.min_text_chars == 42 and s.allow_private is True
    assert Settings.load(min_text_chars=7).min_text_chars == 7
    assert Settings.load(min_text_chars=None).min_text_chars == 42


def test_every_setting_is_documented_in_readme():
    text = README.read_text(encoding="utf-8")
    for s in SETTINGS:
        assert f"`{s.name}`" in text, f"setting {s.name} missing from README"
        assert env_name(s.name) in text and option_name(s.name) in text
