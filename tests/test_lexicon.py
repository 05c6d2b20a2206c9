"""The lexicon engine: file format, lemmatised multi-word matching, policies, imports, errors."""

from __future__ import annotations

import pytest

from kzmedia import Document, Lexicon, LexiconError, LexiconMatcher

BASE = """
[lexicon]
name = "test"
version = "1.2"
"""


def lex(body: str) -> Lexicon:
    return Lexicon.loads(BASE + body, source="test.toml")


def texts(doc, matches):
    return [m.text(doc) for m in matches]


def test_multiword_entries_match_across_inflection():
    lexicon = lex('[categories.encroachment]\nterms = ["мягкая аннексия", "по лекалам НАТО"]\n')
    doc = Document.from_text("Эксперты говорят о мягкой аннексии, о мягкую аннексию и по лекалам НАТО.")
    found = LexiconMatcher(lexicon).match(doc)
    assert texts(doc, found) == ["мягкой аннексии", "мягкую аннексию", "по лекалам НАТО"]
    for m in found:
        assert doc.text[m.start:m.end] == m.text(doc)
        assert m.entry.categories == ("encroachment",)


def test_prefix_wildcard_and_alternative_lemmas():
    lexicon = lex('[categories.x]\nterms = ["антироссийск*", "Астана"]\n')
    doc = Document.from_text("Антироссийскую позицию заняли до визита в Астану.")
    assert texts(doc, LexiconMatcher(lexicon).match(doc)) == ["Антироссийскую", "Астану"]


def test_capitalised_abbreviations_match_case_sensitively():
    lexicon = lex('[categories.org]\nterms = ["ЕС", "ОДКБ"]\n')
    doc = Document.from_text("ЕС и ОДКБ; а вот слово ес и одкб в нижнем регистре не считаются.")
    assert texts(doc, LexiconMatcher(lexicon).match(doc)) == ["ЕС", "ОДКБ"]


def test_gap_pattern_stays_inside_one_sentence():
    lexicon = lex('[[entries]]\npattern = "за ... скрывается"\ncategory = "hidden"\n')
    doc = Document.from_text("За экономической упаковкой скрывается проект. За ним. Скрывается другое.")
    assert texts(doc, LexiconMatcher(lexicon).match(doc)) == ["За экономической упаковкой скрывается"]


def test_longest_match_wins_and_identical_spans_are_all_kept():
    lexicon = lex("""
[categories.a]
terms = ["аннексия"]
[categories.b]
terms = ["мягкая аннексия"]
[categories.c]
terms = ["мягкая аннексия"]
""")
    doc = Document.from_text("Это мягкая аннексия.")
    longest = LexiconMatcher(lexicon).match(doc)
    assert sorted(c for m in longest for c in m.entry.categories) == ["b", "c"]
    every = LexiconMatcher(lexicon, overlap="all").match(doc)
    assert sorted(c for m in every for c in m.entry.categories) == ["a", "b", "c"]


def test_overlap_is_resolved_per_lexicon():
    one = lex('[categories.a]\nterms = ["военная угроза"]\n')
    two = Lexicon.loads('[lexicon]\nname = "other"\nversion = "1"\n[categories.b]\nterms = ["угроза"]\n')
    doc = Document.from_text("Военная угроза растёт.")
    found = LexiconMatcher([one, two]).match(doc)
    assert sorted((m.lexicon, m.text(doc)) for m in found) == [("other", "угроза"), ("test", "Военная угроза")]


def test_negation_window_flags_but_keeps_matches():
    lexicon = lex('[categories.threat]\nterms = ["угроза"]\n')
    doc = Document.from_text("Это не является угрозой. Это угроза.")
    found = LexiconMatcher(lexicon, negation_window=3).match(doc)
    assert [m.negated for m in found] == [True, False]


def test_constraints_pos_case_quotes_sentence_start():
    lexicon = lex("""
[[entries]]
pattern = "партнерство"
category = "quoted"
quoted = true
[[entries]]
pattern = "однако"
category = "initial"
sentence_initial = true
[[entries]]
pattern = "Россия"
category = "subject"
case = ["nomn"]
""")
    doc = Document.from_text('Договор о «стратегическом партнёрстве» и партнерство. Однако Россия спорит, '
                             'а однако России всё равно.')
    got = {(m.entry.categories[0], m.text(doc)) for m in LexiconMatcher(lexicon).match(doc)}
    assert got == {("quoted", "партнёрстве"), ("initial", "Однако"), ("subject", "Россия")}


def test_weights_ids_definitions_and_version():
    lexicon = lex("""
[categories.sovereignty]
definition = "Независимость и субъектность государства."
weight = 2.0
terms = ["суверенитет", {pattern = "на равных", weight = 3.5, id = "sov-eq"}]
""")
    assert lexicon.label == "test@1.2"
    assert lexicon.categories["sovereignty"].definition.startswith("Независимость")
    by_pattern = {e.pattern: e for e in lexicon.entries}
    assert by_pattern["суверенитет"].weight == 2.0
    assert by_pattern["на равных"].weight == 3.5 and by_pattern["на равных"].id == "sov-eq"


@pytest.mark.parametrize("body, needle, line", [
    ('[categories.x]\nterms = ["ok", {pattern = "плохой вес", weight = "много"}]\n', "weight", 6),
    ('[categories.x]\nterms = ["*"]\n', "lone", 6),
    ('[[entries]]\npattern = "без категории"\n', "category", 6),
    ('[categories.x]\nterms = ["незакрытая строка]\n', "invalid TOML", 6),
])
def test_broken_lexicon_names_file_line_and_problem(body, needle, line):
    with pytest.raises(LexiconError) as err:
        lex(body)
    msg = str(err.value)
    assert msg.startswith(f"test.toml:{line}:"), msg
    assert needle in msg


def test_missing_header_is_reported(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[categories.x]\nterms = ["a"]\n', encoding="utf-8")
    with pytest.raises(LexiconError, match=r"bad\.toml: missing \[lexicon\]"):
        Lexicon.load(path)


def test_liwc_dictionary_import(tmp_path):
    path = tmp_path / "mini.dic"
    path.write_text("%\n1\tугроза\n2\tэкономика\n%\nугроз*\t1\nинвестиция\t2\nвоенная угроза\t1\n",
                    encoding="utf-8")
    lexicon = Lexicon.load(path)
    assert lexicon.name == "mini" and set(lexicon.categories) == {"угроза", "экономика"}
    doc = Document.from_text("Инвестиции растут, а угрозы и военная угроза отступают.")
    got = [(m.entry.categories[0], m.text(doc)) for m in LexiconMatcher(lexicon).match(doc)]
    assert got == [("экономика", "Инвестиции"), ("угроза", "угрозы"), ("угроза", "военная угроза")]


def test_liwc_unknown_category_names_the_line(tmp_path):
    path = tmp_path / "bad.dic"
    path.write_text("%\n1\tугроза\n%\nугроз*\t7\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"bad\.dic:4: .*unknown categories"):
        Lexicon.load(path)


def test_quanteda_yaml_import_with_nesting(tmp_path):
    pytest.importorskip("yaml")
    path = tmp_path / "dict.yml"
    path.write_text("economy:\n  trade:\n    - товарооборот\n    - экспорт*\nsecurity:\n  - военные учения\n",
                    encoding="utf-8")
    lexicon = Lexicon.load(path)
    doc = Document.from_text("Экспорт зерна и товарооборот выросли, военные учения отменены.")
    got = [(m.entry.categories[0], m.text(doc)) for m in LexiconMatcher(lexicon).match(doc)]
    assert got == [("economy.trade", "Экспорт"), ("economy.trade", "товарооборот"),
                   ("security", "военные учения")]


def test_matching_is_linear_in_document_length():
    """Work grows with the text, not with text × lexicon: count candidate checks, not seconds."""
    lexicon = lex('[categories.x]\nterms = [' + ", ".join(f'"слово{i} угроза"' for i in range(300))
                  + ', "военная угроза"]\n')
    matcher = LexiconMatcher(lexicon)
    computed = []
    plan = matcher._plans.compute
    matcher._plans.compute = lambda norm, info: computed.append(norm) or plan(norm, info)
    small = Document.from_text("Военная угроза растёт. " * 50)
    big = Document.from_text("Военная угроза растёт. " * 500)
    n_small = len(matcher.match(small))
    after_small = len(computed)
    assert 10 * n_small == len(matcher.match(big)) == 500
    # the per-form memo: one candidate computation per distinct word form, whatever the length,
    # and only for forms that can start an entry ("угроза" is never first, "растёт" in none)
    assert len(computed) == len(set(computed))
    assert "военная" in computed and not {"угроза", "растет", "."} & set(computed)
    assert len(computed) == after_small  # the big text brought no new form, so no new work


FORM_MEMO_TEXTS = [
    "Военная угроза растёт, а мягкая аннексия продолжается.",
    "Мягкую аннексию называют партнёрством; военной угрозы никто не видит.",
    "Угрозы военного характера обсуждали в Астане. Аннексия? Нет, сотрудничество.",
]


def _spans(matcher, doc):
    return [(m.start, m.end, m.entry.id) for m in matcher.match(doc)]


def test_form_memo_gives_the_same_matches_whichever_way_it_learns_forms():
    """Documents tokenised elsewhere (no morphology source), and a morphology whose cache starts
    afresh mid-corpus, must not change a single match."""
    from kzmedia.document import Tokens
    from kzmedia.morphology import PymorphyLemmatizer, get_morphology, register_lemmatizer

    lexicon = lex('[categories.x]\nterms = ["военная угроза", "мягкая аннексия", "аннексия", "угроз*"]\n')
    expected = [_spans(LexiconMatcher(lexicon), Document.from_text(t)) for t in FORM_MEMO_TEXTS]
    assert [FORM_MEMO_TEXTS[1][a:b] for a, b, _ in expected[1]] == ["Мягкую аннексию", "военной угрозы"]
    assert all(expected)

    matcher = LexiconMatcher(lexicon)
    for text, want in zip(FORM_MEMO_TEXTS, expected):
        tokens = Document.from_text(text).tokens
        orphan = Document.from_text(text)
        orphan._cache["tokens"] = Tokens(text, tokens.starts, tokens.ends, tokens.infos)  # source=None
        assert orphan.tokens.source is None
        assert _spans(matcher, orphan) == want

    # a morphology of its own (empty caches) that starts afresh every few forms
    register_lemmatizer("ru-tiny-cache", lambda: PymorphyLemmatizer("ru"))
    morphology = get_morphology("ru-tiny-cache")
    morphology.max_cache = 8
    matcher = LexiconMatcher(lexicon, language="ru-tiny-cache")
    got = [_spans(matcher, Document.from_text(t, language="ru-tiny-cache")) for t in FORM_MEMO_TEXTS * 2]
    assert got == expected * 2
    assert morphology.generation > 3


def test_a_cache_that_starts_afresh_at_any_size_loses_no_match():
    """Whichever word form makes the cache overflow, it must be in the vocabulary the memos catch
    up on: a form cached outside it would never be looked at again, and its matches lost."""
    from kzmedia.morphology import PymorphyLemmatizer, get_morphology, register_lemmatizer

    lexicon = lex('[categories.x]\nterms = ["военная угроза", "мягкая аннексия", "аннексия", "угроз*"]\n')
    expected = [_spans(LexiconMatcher(lexicon), Document.from_text(t)) for t in FORM_MEMO_TEXTS] * 3
    for size in range(2, 25):
        language = f"ru-cache-{size}"
        register_lemmatizer(language, lambda: PymorphyLemmatizer("ru"))
        morphology = get_morphology(language)
        morphology.max_cache = size
        matcher = LexiconMatcher(lexicon, language=language)
        got = [_spans(matcher, Document.from_text(t, language=language)) for t in FORM_MEMO_TEXTS * 3]
        assert got == expected, f"max_cache={size}"
        vocabulary = {id(info) for info in morphology.vocabulary}
        assert all(id(info) in vocabulary for info in morphology._cache.values()), f"max_cache={size}"


def test_making_room_keeps_the_forms_met_first_and_what_the_memos_know():
    """When the cache fills, the first-met half of the vocabulary (in news, mostly the frequent
    forms) stays cached, and a matcher's memo neither forgets nor recomputes those forms."""
    from kzmedia.morphology import PymorphyLemmatizer, get_morphology, register_lemmatizer

    register_lemmatizer("ru-room", lambda: PymorphyLemmatizer("ru"))
    morphology = get_morphology("ru-room")
    morphology.max_cache = 40
    lexicon = lex('[categories.x]\nterms = ["военная угроза", "мягкая аннексия", "аннексия", "угроз*"]\n')
    matcher = LexiconMatcher(lexicon, language="ru-room")
    first = Document.from_text(FORM_MEMO_TEXTS[0], language="ru-room")
    want = _spans(matcher, first)
    assert [first.text[a:b] for a, b, _ in want] == ["Военная угроза", "мягкая аннексия"]
    computed = []
    plan = matcher._plans.compute
    matcher._plans.compute = lambda norm, info: computed.append(norm) or plan(norm, info)
    for k in range(6):  # numbers fill the cache: several rounds of making room
        _spans(matcher, Document.from_text(" ".join(str(n) for n in range(30 * k, 30 * k + 30)), language="ru-room"))
    assert morphology.generation >= 3
    assert {"военная", "угроза", "мягкая", "аннексия"} <= morphology._by_norm.keys()
    again = Document.from_text(FORM_MEMO_TEXTS[0], language="ru-room")
    assert again.tokens.source == (morphology, morphology.generation)  # answered from the kept cache
    assert _spans(matcher, again) == want
    assert not {"военная", "мягкая", "аннексия"} & set(computed)


def test_form_screen_lets_through_exactly_the_forms_that_may_have_a_value():
    from kzmedia.memo import FormMemo, FormScreen

    doc = Document.from_text("Астану, антироссийские лозунги и северо-запад: мягкой аннексии нет.")
    forms = doc.tokens.forms
    screen = FormScreen(norms={"нет"}, lemmas={"астана", "аннексия"}, prefixes=("антирос", "мя"),
                        substrings=("-",))
    passed = [info[0] for info in screen.select(list(forms.values()))]
    # "астану" passes by its *other* lemma (pymorphy3 ranks "астан" first), "мягкой" by a short
    # prefix, "антироссийские" by a long one, "северо-запад" by its hyphen
    assert passed == ["астану", "антироссийские", "северо-запад", "мягкой", "аннексии", "нет"]
    assert FormScreen().select(list(forms.values())) == []

    looked_at = []
    memo = FormMemo(lambda norm, info: looked_at.append(norm) or norm.startswith("а"), screen=screen)
    hits = memo.positions(doc.tokens)
    assert [doc.tokens.norm(i) for i in hits] == ["астану", "антироссийские", "аннексии"]
    # compute never saw a screened-out form (it sees every form of the process's vocabulary
    # that passes: the memo catches up on the morphology, not on one document)
    vocabulary = {info[0]: info for info in doc.tokens.source[0].vocabulary}
    assert set(passed) <= set(looked_at)
    assert sorted(info[0] for info in screen.select([vocabulary[f] for f in looked_at])) == sorted(looked_at)


def test_form_memo_values_at_pairs_each_position_with_its_value_and_honours_a_filter():
    from kzmedia.memo import FormMemo

    doc = Document.from_text("Россия и Китай подписали договор; Китай его ратифицировал.")
    memo = FormMemo(lambda norm, info: norm.upper() if norm in ("китай", "договор") else None)
    pairs = memo.values_at(doc.tokens)
    assert [(doc.tokens.surface(i), v) for i, v in pairs] == [("Китай", "КИТАЙ"), ("договор", "ДОГОВОР"),
                                                              ("Китай", "КИТАЙ")]
    first_sentence = [i for i in memo.positions(doc.tokens) if i < 6]
    assert memo.values_at(doc.tokens, first_sentence) == pairs[:2]


def test_cached_matcher_is_reused_across_processes_and_invalidated_by_changes(tmp_path, monkeypatch):
    import subprocess
    import sys

    monkeypatch.setenv("KZMEDIA_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "lex.toml"
    path.write_text(BASE + '[categories.x]\nterms = ["мягкая аннексия", {pattern = "угроза", pos = ["NOUN"]}]\n',
                    encoding="utf-8")
    script = ("import sys; from kzmedia import Document, Lexicon, LexiconMatcher as M; "
              "m = M.cached(Lexicon.load(sys.argv[1])); "
              "d = Document.from_text('Мягкую аннексию называют угрозой.'); "
              "print([x.text(d) for x in m.match(d)])")
    outs = [subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True,
                           check=True).stdout for _ in range(2)]
    assert outs[0] == outs[1] == "['Мягкую аннексию', 'угрозой']\n"
    assert len(list((tmp_path / "cache").glob("matcher-*.pickle"))) == 1  # the second run hit it
    path.write_text(BASE + '[categories.x]\nterms = ["угроза"]\n', encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True,
                         check=True).stdout
    assert out == "['угрозой']\n"
    assert len(list((tmp_path / "cache").glob("matcher-*.pickle"))) == 2


def _greedy_reference(raw, overlap):
    """The overlap policy applied to all of a lexicon's matches at once (the definition)."""
    if overlap == "longest":
        raw = sorted(raw, key=lambda r: (-(r[1] - r[0]), r[0], r[2].order))
    else:
        raw = sorted(raw, key=lambda r: (r[0], -(r[1] - r[0]), r[2].order))
    out, taken, kept = [], set(), set()
    for i, j, c in raw:
        if (i, j) in kept:
            out.append((i, j, c))
        elif not any(k in taken for k in range(i, j)):
            taken.update(range(i, j))
            kept.add((i, j))
            out.append((i, j, c))
    return out


def test_overlap_resolved_run_by_run_equals_the_policy_on_all_matches():
    """The matcher applies the policy to each run of overlapping spans alone (fast); the kept
    set must be what the policy gives on all of a lexicon's matches together."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    class Entry:
        def __init__(self, order):
            self.order, self.lexicon = order, "lex"

    spans = st.lists(st.tuples(st.integers(0, 30), st.integers(1, 4), st.integers(0, 5)), max_size=25)
    matcher = LexiconMatcher(lex('[categories.c]\nterms = ["слово"]\n'))

    @settings(max_examples=300, deadline=None)
    @given(spans, st.sampled_from(["longest", "first"]))
    def check(triples, overlap):
        raw = [(i, i + n, Entry(order)) for i, n, order in triples]
        matcher.overlap = overlap
        got = matcher._resolve(list(raw))
        assert sorted((i, j, c.order, id(c)) for i, j, c in got) == \
            sorted((i, j, c.order, id(c)) for i, j, c in _greedy_reference(raw, overlap))

    check()
