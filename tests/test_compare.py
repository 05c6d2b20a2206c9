"""Group comparisons (``kzmedia.compare_groups``, ``kzmedia compare A B`` on groups, ``--by``) and their statistics."""

from __future__ import annotations

import json
import math

import pytest

import kzmedia
from kzmedia import stats
from kzmedia.cli import main
from kzmedia.comparison import DocumentMeasures, Measure, compare_groups

# Sentences written for these tests: news about sanctions, and news about farming without them.
SANCTIONS = ("Банки Казахстана опасаются вторичных санкций, поэтому проверяют каждого посредника. "
             "Заседание номер {i} прошло в Астане.")
FARMS = ("Фермеры области собрали хороший урожай пшеницы, погода стояла тёплая. "
         "Ярмарка номер {i} открылась в субботу.")


@pytest.fixture(scope="module")
def pipeline():
    # the test plugin of the plugin tutorial, installed only through its entry point
    return kzmedia.Pipeline(["sanctions"])


def _docs(template: str, n: int, start: int = 0) -> list[kzmedia.Document]:
    return [kzmedia.Document.from_text(template.format(i=i), id=f"{template[:5]}{i}") for i in range(start, start + n)]


# --- the statistics, by hand and against SciPy -------------------------------------------------

def test_g2_log_ratio_interval_and_bh_by_hand():
    # A: 2 + 1 occurrences in 2 × 100 words; B: 0 + 1 in 2 × 100 words
    mention = Measure("x", "label", "m")
    a = [DocumentMeasures("a1", 100, {}, frozenset({"x"}), {mention: 2}),
         DocumentMeasures("a2", 100, {}, frozenset({"x"}), {mention: 1})]
    b = [DocumentMeasures("b1", 100, {}, frozenset({"x"}), {}),
         DocumentMeasures("b2", 100, {}, frozenset({"x"}), {mention: 1})]
    row = compare_groups({"A": a, "B": b}, min_docs=2).row("x", "label", "m")
    # the 2×2 table [[3, 197], [1, 199]]: expected 2, 198, 2, 198
    by_hand = 2 * (3 * math.log(3 / 2) + 197 * math.log(197 / 198) + 1 * math.log(1 / 2) + 199 * math.log(199 / 198))
    assert row["g2"] == pytest.approx(by_hand, abs=1e-3) and row["g2"] == pytest.approx(1.0566, abs=1e-3)
    assert row["p_g2"] == pytest.approx(math.erfc(math.sqrt(by_hand / 2)), abs=1e-6)
    assert row["log2_ratio"] == pytest.approx(math.log2(3.5 / 1.5), abs=1e-3)  # +0.5 per count
    assert (row["mean_a"], row["present_a"], row["present_b"]) == (15.0, 100.0, 50.0)  # 20 and 10 per 1,000
    half = 12.7062047 * math.sqrt(50) / math.sqrt(2)  # t(0.975, df 1) · sd / √n
    assert row["high_a"] == pytest.approx(15 + half, abs=1e-3)
    assert 15 - half < 0 and row["low_a"] == 0  # a rate's interval is clipped at 0
    assert stats.mean_interval([20.0, 10.0])[1] == pytest.approx(15 - half, abs=1e-3)
    # Benjamini–Hochberg: sorted 0.01, 0.03, 0.04, 0.2 → 0.04, 0.06, 0.0533, 0.2, then monotone from the top
    assert stats.benjamini_hochberg([0.01, 0.04, 0.03, 0.2, None]) == pytest.approx(
        [0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.2, None])


def test_statistics_agree_with_scipy():
    scipy_stats = pytest.importorskip("scipy.stats", reason="SciPy is not installed (pip install 'kzmedia[stats]')")
    import numpy as np

    for a, wa, b, wb in [(10, 200, 0, 210), (3, 1000, 17, 1500), (40, 5000, 38, 5200)]:
        g, p, _, _ = scipy_stats.chi2_contingency(np.array([[a, wa - a], [b, wb - b]]), correction=False,
                                                  lambda_="log-likelihood")
        assert stats.g2(a, wa, b, wb) == pytest.approx(g, rel=1e-9)
        assert stats.chi2_sf1(stats.g2(a, wa, b, wb)) == pytest.approx(p, rel=1e-6)
    for df in (1, 4, 19, 250):
        assert stats.t_ppf(0.975, df) == pytest.approx(scipy_stats.t.ppf(0.975, df), rel=1e-9)
    values = [3.0, 0.0, 12.5, 7.25, 1.0, 9.0]
    low, high = scipy_stats.t.interval(0.95, len(values) - 1, loc=np.mean(values), scale=scipy_stats.sem(values))
    assert stats.mean_interval(values)[1:] == pytest.approx((low, high), rel=1e-9)
    ps = [0.001, 0.2, 0.03, 0.04, 0.5, 0.011]
    assert stats.benjamini_hochberg(ps) == pytest.approx(list(scipy_stats.false_discovery_control(ps)), rel=1e-12)
    a, b = [5.0, 0.0, 3.0, 4.0, 6.0], [0.0, 1.0, 0.0, 2.0, 0.0, 1.0]
    exact = scipy_stats.permutation_test((a, b), lambda x, y: np.mean(x) - np.mean(y), n_resamples=10 ** 6,
                                         permutation_type="independent").pvalue  # all 462 splits
    assert stats.Permutations(5, 6, 4999, seed=1).p_value(a, b) == pytest.approx(exact, abs=0.01)


# --- on real text --------------------------------------------------------------------------------

def test_a_label_in_10_of_10_against_0_of_10_is_significant_and_5_5_is_not(pipeline):
    cmp = kzmedia.compare_groups({"sanctions": _docs(SANCTIONS, 10), "farms": _docs(FARMS, 10)}, pipeline=pipeline)
    row = cmp.row("sanctions", "label", "exposure")
    assert (row["docs_a"], row["docs_b"], row["present_a"], row["present_b"]) == (10, 10, 100.0, 0.0)
    assert row["unit"] == "per_1000_words" and row["mean_a"] > 0 and row["mean_b"] == 0
    assert row["q"] < 0.01 and row["p_perm"] < 0.01 and row["log2_ratio"] > 2
    assert row in cmp.significant()

    mixed = lambda k: _docs(SANCTIONS, 5, k) + _docs(FARMS, 5, k)  # noqa: E731
    even = kzmedia.compare_groups([mixed(0), mixed(5)], labels=["A", "B"], pipeline=pipeline)
    row = even.row("sanctions", "label", "exposure")
    assert (row["present_a"], row["present_b"]) == (50.0, 50.0)
    assert row["p"] > 0.5 and row["q"] > 0.5 and not even.significant()


def test_min_docs_hides_small_groups_and_by_reads_metadata(pipeline):
    docs = []
    for i in range(12):
        doc = _docs(SANCTIONS if i % 2 else FARMS, 1, i)[0]
        host = "russian.rt.com" if i % 2 else "tengrinews.kz"
        docs.append(kzmedia.Document.from_text(doc.text, id=f"d{i}", url=f"https://{host}/2024/05/0{i % 3 + 1}/"))
    docs.append(kzmedia.Document.from_text(FARMS.format(i=99), id="lone", url="https://kursiv.media/x"))
    docs.append(kzmedia.Document.from_text(FARMS.format(i=98), id="no-url"))
    cmp = compare_groups(documents=docs, by="outlet", pipeline=pipeline)
    assert cmp.groups == {"rt.com": 6, "tengrinews.kz": 6} and cmp.hidden == {"kursiv.media": 1}
    assert cmp.ungrouped == 1
    assert cmp.row("sanctions", "label", "exposure")["group_a"] == "rt.com"
    df = cmp.to_pandas()
    assert list(df.columns)[:4] == ["analyzer", "kind", "name", "unit"] and len(df) == len(cmp.rows)
    html = cmp._repr_html_()
    assert "<table" in html and "exposure" in html and "<script" not in html


def test_more_than_two_groups_are_each_compared_with_the_rest(pipeline):
    groups = {"a": _docs(SANCTIONS, 5), "b": _docs(FARMS, 5), "c": _docs(FARMS, 5, 5)}
    cmp = compare_groups(groups, pipeline=pipeline, permutations=0)
    rows = [r for r in cmp.rows if (r["kind"], r["name"]) == ("label", "exposure")]
    assert {(r["group_a"], r["group_b"], r["docs_b"]) for r in rows} == {("a", "rest", 10), ("b", "rest", 10),
                                                                        ("c", "rest", 10)}
    assert all(r["p_perm"] is None and r["test"] == "g2" for r in rows)


def test_cli_groups_from_folders_with_labels_json_csv_html(tmp_path, capsys):
    for side, template in (("a", SANCTIONS), ("b", FARMS)):
        (tmp_path / side).mkdir()
        for i in range(6):
            (tmp_path / side / f"{i}.txt").write_text(template.format(i=i), encoding="utf-8")
    base = ["compare", str(tmp_path / "a"), str(tmp_path / "b"), "--labels", "sanctions", "farms",
            "--only", "sanctions"]
    assert main(base) == 0
    out = capsys.readouterr().out
    assert out.startswith("groups: sanctions (6 documents") and "exposure" in out and "*" in out
    assert main([*base, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [g["documents"] for g in data["groups"]] == [6, 6]
    assert data["method"]["units"]["label"] == "per_1000_words"
    assert main([*base, "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("analyzer,kind,name,unit,group_a,group_b,docs_a")
    html = tmp_path / "groups.html"
    assert main([*base, "--html", str(html)]) == 0
    page = html.read_text(encoding="utf-8")
    assert "per 1,000 words" in page and "exposure" in page
    assert main([*base, "--min-docs", "7"]) == 2
    assert "has 6 document(s), fewer than --min-docs 7" in capsys.readouterr().err


def test_two_texts_show_a_third_party_analyzer_per_label_and_score(pipeline):
    cmp = kzmedia.compare(SANCTIONS.format(i=1), FARMS.format(i=1), pipeline=pipeline)
    rows = {(r["kind"], r["name"]): r for r in cmp.rows}
    assert rows[("label", "exposure")]["a"] > 0 and rows[("label", "exposure")]["b"] == 0
    ev = rows[("label", "exposure")]["evidence"]["a"][0]
    assert SANCTIONS.format(i=1)[ev["start"]:ev["end"]] == ev["text"] == "вторичных санкций"
    assert rows[("score", "mentions")]["unit"] == "per_1000_words"  # a count, per 1,000 words
    assert "sanctions:" in cmp.table() and "exposure" in cmp.table()
    assert set(cmp.to_pandas()["name"]) >= {"exposure", "mentions"}
    assert "<table" in cmp._repr_html_()


def test_cli_reads_analyses_already_made_from_jsonl_and_a_store(tmp_path, capsys):
    corpus = tmp_path / "corpus.jsonl"
    with open(corpus, "w", encoding="utf-8") as fh:
        for i in range(12):
            host = "russian.rt.com" if i % 2 else "tengrinews.kz"
            text = (SANCTIONS if i % 2 else FARMS).format(i=i)
            fh.write(json.dumps({"id": f"d{i}", "text": text, "url": f"https://{host}/x{i}"}, ensure_ascii=False) + "\n")
    assert main(["analyze", str(corpus), "--only", "sanctions", "--format", "jsonl"]) == 0
    results = tmp_path / "results.jsonl"
    results.write_text(capsys.readouterr().out, encoding="utf-8")
    store = tmp_path / "results.sqlite"
    assert main(["analyze", str(corpus), "--only", "sanctions", "--store", str(store), "--quiet"]) == 0
    capsys.readouterr()
    outputs = []
    for source in (corpus, results, store):
        assert main(["compare", str(source), "--by", "outlet", "--only", "sanctions", "--format", "csv",
                     "--permutations", "0"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] == outputs[2]  # the same rows, analysed once or read back
    assert "sanctions,label,exposure,per_1000_words,rt.com,tengrinews.kz,6,6,100.0,0.0" in outputs[0]


def test_negated_and_rejected_findings_do_not_count_towards_their_label(pipeline):
    # the sanctions plugin reports a negated mention with counted = false; framing marks a rejected frame's stance
    cmp = kzmedia.compare("Компания не попала под санкции.", "Компания попала под санкции.", pipeline=pipeline)
    row = next(r for r in cmp.measures("sanctions", "label") if r["name"] == "exposure")
    assert (row["count_a"], row["count_b"]) == (0, 1)
    framing = kzmedia.compare("Для Казахстана речь идёт не о многовекторной политике, а о союзе с Россией.",
                              "Многовекторная политика Астаны строится на балансе интересов.", analyzers=["framing"])
    row = next(r for r in framing.measures("framing", "label") if r["name"] == "multivector_balance")
    assert row["count_a"] == 0 and row["count_b"] > 0
    rejected = [f for f in framing.analyses[0].model("framing").findings if f.label == "multivector_balance"]
    assert rejected and all(f.extra["stance"] == "contrasted" for f in rejected)  # found, but not asserted


def test_cli_by_field_within_a_period_screens_texts_and_analyses_alike(tmp_path, capsys):
    corpus = tmp_path / "dated.jsonl"
    with open(corpus, "w", encoding="utf-8") as fh:
        for i in range(12):  # May for the first six, June for the rest, outlets in turn; one undated
            host = "russian.rt.com" if i % 2 else "tengrinews.kz"
            text = (SANCTIONS if i % 2 else FARMS).format(i=i)
            url = f"https://{host}/2024/0{5 + i // 6}/1{i % 6}/x{i}"
            fh.write(json.dumps({"id": f"d{i}", "text": text, "url": url}, ensure_ascii=False) + "\n")
        fh.write(json.dumps({"id": "undated", "text": SANCTIONS.format(i=99), "url": "https://russian.rt.com/x"},
                            ensure_ascii=False) + "\n")
    assert main(["analyze", str(corpus), "--only", "sanctions", "--format", "jsonl"]) == 0
    results = tmp_path / "results.jsonl"
    results.write_text(capsys.readouterr().out, encoding="utf-8")
    base = ["--by", "outlet", "--only", "sanctions", "--format", "json", "--permutations", "0", "--min-docs", "3"]
    outputs = []
    for source in (corpus, results):
        assert main(["compare", str(source), *base, "--since", "2024-06"]) == 0
        out, err = capsys.readouterr()
        outputs.append(out)
        assert "13 document(s): 6 outside 2024-06-01..… skipped, 1 undated skipped" in err
    assert outputs[0] == outputs[1]
    assert {g["name"]: g["documents"] for g in json.loads(outputs[0])["groups"]} == {"rt.com": 3, "tengrinews.kz": 3}
    assert main(["compare", str(corpus), *base, "--until", "2024-05", "--keep-undated"]) == 0
    out, err = capsys.readouterr()
    assert {g["name"]: g["documents"] for g in json.loads(out)["groups"]} == {"rt.com": 4, "tengrinews.kz": 3}
    assert "1 undated kept, 7 kept" in err
    # two inputs: the period screens each side
    assert main(["compare", str(corpus), str(results), "--only", "sanctions", "--format", "json",
                 "--permutations", "0", "--since", "2024-05-13", "--until", "2024-06-11", "--min-docs", "1"]) == 0
    out, err = capsys.readouterr()
    assert [g["documents"] for g in json.loads(out)["groups"]] == [5, 5]  # May 13–15, June 10–11
    assert main(["compare", str(corpus), "--by", "outlet", "--since", "2024-07", "--until", "2024-06"]) == 2
    assert "--since 2024-07-01 is after --until 2024-06-30" in capsys.readouterr().err


class Sovereignty:
    """Every word starting «суверен» is a finding (a third-party analyzer, for the hook below)."""

    name, version = "sov", "1"

    def analyze(self, document):
        import re

        return {"findings": [{"label": "claim", "start": m.start(), "end": m.end(), "text": m.group()}
                             for m in re.finditer(r"[Сс]уверен\w*", document.text)]}


class LongestClaims:
    """A group section: per group, the most claims one document makes (what mean rates hide)."""

    def __init__(self):
        self.seen: list[tuple[str, int]] = []

    def add(self, group, result):
        self.seen.append((group, len(result["findings"])))

    def section(self, comparison):
        most = {g: max(n for h, n in self.seen if h == g) for g in comparison.groups}
        return Most(most)


class Most:
    def __init__(self, most):
        self.most = most

    def to_dict(self):
        return {"most": self.most}

    def lines(self, top):
        return [f"most claims in one document: {g} <{n}>" for g, n in self.most.items()]


def test_group_sections_come_from_the_same_hook_for_any_analyzer(tmp_path, capsys):
    from kzmedia.report import render_group_comparison
    from kzmedia.testing import analyzer_plugin, hook_plugin, make_plugin_manager_for

    made = []

    def sections(register):
        def groups():
            made.append(LongestClaims())
            return made[-1]

        register("sov", None, groups=groups)  # no two-text section: groups only

    pm = make_plugin_manager_for(analyzer_plugin(Sovereignty()), hook_plugin(kzmedia_register_compare_sections=sections))
    texts = {"kz": ["Суверенитет важен.", "Суверенная политика и суверенный фонд.", "Тарифы растут."],
             "ru": ["Суверенитет обсуждали.", "Погода тёплая.", "Суверенные решения приняты."],
             "uz": ["Суверенитет."]}
    docs = [kzmedia.Document.from_text(t, id=f"{g}{i}", url=f"https://news.example.{g}/{i}")
            for g, ts in texts.items() for i, t in enumerate(ts)]
    docs.append(kzmedia.Document.from_text("Суверенитет без адреса.", id="nowhere"))
    cmp = compare_groups(documents=docs, by="outlet", min_docs=2, permutations=0,
                         pipeline=kzmedia.Pipeline(["sov"], plugin_manager=pm))
    acc = made[-1]
    assert sorted(acc.seen) == [("example.kz", 0), ("example.kz", 1), ("example.kz", 2), ("example.ru", 0),
                                ("example.ru", 1), ("example.ru", 1), ("example.uz", 1)]  # the ungrouped one is not
    assert cmp.hidden == {"example.uz": 1} and cmp.ungrouped == 1
    assert cmp.to_dict()["sections"] == {"sov": {"most": {"example.kz": 2, "example.ru": 1}}}  # hidden group left out
    assert "sov:\n  most claims in one document: example.kz <2>" in cmp.table()
    page = render_group_comparison(cmp)
    assert "most claims in one document: example.kz &lt;2&gt;" in page and "<2>" not in page
    # the two-text comparison of the same analyzer has no section (none registered) and still works
    assert kzmedia.compare(texts["kz"][1], texts["ru"][1], pipeline=kzmedia.Pipeline(["sov"], plugin_manager=pm)
                           ).sections == {}
    # the command line passes its plugins to the group comparison
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": d.id, "text": d.text, **d.meta}, ensure_ascii=False) + "\n"
                              for d in docs), encoding="utf-8")
    assert main(["compare", str(corpus), "--by", "outlet", "--min-docs", "2", "--format", "json"],
                plugin_manager=pm) == 0
    assert json.loads(capsys.readouterr().out)["sections"]["sov"] == {"most": {"example.kz": 2, "example.ru": 1}}


def test_a_malformed_compare_section_registration_is_named():
    from kzmedia import PluginError
    from kzmedia.plugins import collect_compare_sections
    from kzmedia.testing import hook_plugin, make_plugin_manager_for

    pm = make_plugin_manager_for(hook_plugin(kzmedia_register_compare_sections=lambda register: register("sov", None)),
                                 core=False)
    with pytest.raises(PluginError, match=r"register\(analyzer, section, groups=None\)"):
        collect_compare_sections(pm)
