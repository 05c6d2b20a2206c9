"""The framing audit sampler: seeded, reproducible, blind (no scores), exclusions honoured."""

from __future__ import annotations

import json

from kzmedia_framing import audit

# own texts, written for this test
TEXTS = [
    ("doc-a", "Цены на хлеб выросли, инфляция съела зарплаты, а налоги подняли ещё раз. Цены на бензин тоже растут."),
    ("doc-b", "Армия усилила оборону границы, военные провели учения, а войска получили новое вооружение."),
    ("doc-c", "Суд вынес приговор по уголовному делу, прокурор требовал срок, адвокат обжаловал решение."),
    ("doc-d", "Политики спорят о выборах, партии готовят списки кандидатов, а парламент обсуждает закон."),
]


def _corpus(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in TEXTS),
                    encoding="utf-8")
    return path


def test_sample_is_seeded_blind_and_honours_exclusions(tmp_path):
    corpus = _corpus(tmp_path)
    held = [i for i, _ in TEXTS if audit.held_out(i)]
    assert held, "no test document falls in the held-out half; rename one"
    first, defs, key = audit.draw(str(corpus), 5, seed=3, present_only=True)
    again, _, _ = audit.draw(str(corpus), 5, seed=3, present_only=True)
    assert first == again and first
    texts = dict(TEXTS)
    for line, k in zip(first, key):
        assert line["doc_id"] in held
        text = texts[line["doc_id"]]
        assert text[line["start"]:line["end"]] == line["span"]
        assert "⟦" + line["span"] + "⟧" in line["sentence"]
        assert line["frame_definition"] and line["frame"] in defs
        assert not {"weight", "score", "entry", "stance", "confidence"} & set(line)
        assert k["item"] == line["item"] and "weight" in k and k["frame_present"]
    skip = tmp_path / "read.txt"
    skip.write_text(first[0]["doc_id"] + "\n", encoding="utf-8")
    rest, _, _ = audit.draw(str(corpus), 5, seed=3, exclude=audit.excluded_ids([skip]), present_only=True)
    assert all(line["doc_id"] != first[0]["doc_id"] for line in rest)


def test_all_documents_drops_the_split_but_not_the_exclusions(tmp_path):
    corpus = _corpus(tmp_path)
    other = [i for i, _ in TEXTS if not audit.held_out(i)]
    assert other, "every test document falls in the held-out half; rename one"
    lines, _, _ = audit.draw(str(corpus), 50, seed=3, present_only=True, all_documents=True)
    assert set(other) & {ln["doc_id"] for ln in lines}
    skip = tmp_path / "read.txt"
    skip.write_text("\n".join(other) + "\n", encoding="utf-8")
    rest, _, _ = audit.draw(str(corpus), 50, seed=3, exclude=audit.excluded_ids([skip]), present_only=True,
                            all_documents=True)
    assert rest and not set(other) & {ln["doc_id"] for ln in rest}


def test_score_keeps_ids_offsets_verdicts_and_notes_but_no_text(tmp_path):
    import json

    from kzmedia_framing.audit import score, wilson

    sample = tmp_path / "sample.jsonl"
    verdicts = tmp_path / "verdicts.jsonl"
    out = tmp_path / "audit.jsonl"
    text = "Цены на хлеб выросли."
    rows = [{"item": k, "doc_id": f"d{k}", "start": 0, "end": 4, "frame": frame, "span": text[:4],
             "sentence": "⟦" + text[:4] + "⟧" + text[4:], "context": text}
            for k, frame in ((1, "Economic"), (2, "Economic"), (3, "security_threat"))]
    sample.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    verdicts.write_text('{"item": 1, "verdict": "yes"}\n{"item": 2, "verdict": "no", "reason": "a name"}\n'
                        '{"item": 3, "verdict": "Yes"}\n', encoding="utf-8")
    report = score(str(sample), str(verdicts), str(out))
    assert (report["judged"], report["yes"]) == (3, 2) and report["interval"] == wilson(2, 3)
    assert report["domain"] == {"judged": 1, "yes": 1} and report["per_frame"]["Economic"] == {"judged": 2, "yes": 1}
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r.get("reason") for r in written] == [None, "a name", None]
    assert not any(text[:4] in json.dumps(r, ensure_ascii=False) for r in written)


def test_kind_and_off_region_pools_for_a_check_of_the_regional_gate(tmp_path):
    # own texts: the same resources sentence about Kazakhstan and about France alone
    path = tmp_path / "energy.jsonl"
    texts = [("kz", "Казахстан наращивает добычу нефти и газа на новых месторождениях. Цены на хлеб выросли."),
             ("fr", "Франция наращивает добычу нефти и газа на новых месторождениях. Цены на хлеб выросли.")]
    path.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in texts),
                    encoding="utf-8")
    kept, _, key = audit.draw(str(path), 50, seed=3, all_documents=True, kind="domain")
    assert kept and {k["kind"] for k in key} == {"domain"} and {ln["doc_id"] for ln in kept} == {"kz"}
    assert not any(k["off_region"] for k in key)
    every, _, every_key = audit.draw(str(path), 50, seed=3, all_documents=True)
    assert {"domain", "generic"} <= {k["kind"] for k in every_key}  # without --kind both kinds are pooled
    off, _, off_key = audit.draw(str(path), 50, seed=3, all_documents=True, kind="domain", off_region=True)
    assert {ln["doc_id"] for ln in off} == {"fr"} and all(k["off_region"] for k in off_key)
    assert {"нефти", "газа"} <= {ln["span"] for ln in off}
