"""Tests of the bilingual glossary."""

from __future__ import annotations

import re

import pytest

from dlcourse import glossary


def test_every_entry_is_complete_and_unique():
    english = [t.english.lower() for t in glossary.GLOSSARY]
    chinese = [t.chinese for t in glossary.GLOSSARY]
    assert len(set(english)) == len(english)
    assert len(set(chinese)) == len(chinese)
    for term in glossary.GLOSSARY:
        assert re.search(r"[\u4e00-\u9fff]", term.chinese), term
        assert term.definition.endswith(".") and len(term.definition) <= 100, term
        assert 1 <= term.chapter <= 6


def test_every_chapter_has_terms():
    for chapter in range(1, 7):
        assert len(glossary.terms(chapter)) >= 5


@pytest.mark.parametrize(
    "name",
    ["backpropagation", "反向传播", "SGD", "stochastic gradient descent", "Computational Graph"],
)
def test_lookup_by_english_chinese_or_abbreviation(name):
    assert glossary.lookup(name).chapter in range(1, 7)


def test_lookup_unknown_suggests_close_terms():
    with pytest.raises(KeyError, match="Did you mean: .*gradient descent"):
        glossary.lookup("gradient desc")


def test_table_is_markdown_with_one_row_per_term():
    text = glossary.table(3)
    lines = text.splitlines()
    assert lines[0].startswith("| English | 中文 |")
    assert len(lines) == 2 + len(glossary.terms(3))


def test_bad_chapter():
    with pytest.raises(ValueError, match="chapter"):
        glossary.terms(7)
