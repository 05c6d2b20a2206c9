"""Corpus benchmark: the full pipeline over the ru-news-kz articles (real text, ~6 MB).

    python benchmarks/bench_corpus.py [--corpus PATH] [--jobs 2] [--scales 1,4,16] [--output dict|jsonl]
                                      [--repeat N] [--json OUT]

Prints, in one run: words/s in one process (cold: first pass, caches empty; warm: second pass
over new document objects, word-form caches warm; unseen: the second half of the corpus after
the first half, i.e. new articles in the middle of a long corpus),
words/s with ``--jobs N`` worker processes, peak RSS per process, the same job done the naive way
(pymorphy3 parse per token, no word-form cache), natasha's pipeline on the same text when natasha
is installed (``pip install -e '.[bench]'``) and the cost at 1×, 4× and 16× the corpus
(streamed; peak RSS shows whether memory stays flat). Every measurement runs in a fresh Python
process, so caches and memory figures do not leak from one to the next.

Not a test: figures depend on the machine. Results for this repository are in docs/corpus.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "external" / "ru-news-kz" / "articles.jsonl"
BUILTIN = ("framing", "actors", "rhetoric")


def _rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KiB


def _docs(corpus: str, times: int = 1):
    """Stream the corpus ``times`` times (ids made unique per copy)."""
    from kzmedia import Document
    from kzmedia.readers import read_corpus

    for k in range(times):
        for d in read_corpus([corpus]):
            if k and isinstance(d, Document):
                d = Document(text=d.text, id=f"{d.id}#{k}", meta=d.meta, language=d.language)
            yield d


def _fresh(docs):
    """New, untokenised copies of the read documents, one at a time: as in a streamed run, each
    analysed document is dropped (the read list itself holds only text)."""
    for d in docs:
        yield type(d)(text=d.text, id=d.id, meta=d.meta) if hasattr(d, "text") else d


def _pipeline(analyzers):
    import kzmedia

    return kzmedia.Pipeline(analyzers)


#: what the job produces per document: "dict" (the JSON-ready dict, as a Python caller gets
#: it) or "jsonl" (the line `kzmedia analyze --format jsonl` writes)
OUTPUT = "dict"


def _run(pipe, docs, n_jobs=1, **kw) -> tuple[int, int, float]:
    from kzmedia.parallel import analyze_parallel

    words = n = 0
    t0 = time.perf_counter()
    # as `kzmedia analyze --jobs N` does: only the JSON crosses the process boundary
    stream = pipe.analyze_many(docs) if n_jobs == 1 else analyze_parallel(
        pipe, docs, n_jobs=n_jobs, keep_findings=False, as_json=OUTPUT == "jsonl", **kw)
    for a in stream:
        if OUTPUT == "jsonl":
            a.to_json()  # part of the job: the JSON line
            words += a.document.words if a.document is not None else 0
        else:
            d = a.to_dict()  # part of the job: the JSON-ready result
            words += d["document"]["words"]
        n += 1
    return n, words, time.perf_counter() - t0


# -- the measurements, each in its own process ----------------------------------------------------

def _cpu(who=resource.RUSAGE_SELF) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def _prepare(args):
    """The pipeline (and its set-up time) and the read corpus, held as untokenised documents."""
    t0 = time.perf_counter()
    pipe = _pipeline(args.analyzers)
    return pipe, time.perf_counter() - t0, list(_docs(args.corpus))


def child_single(args) -> dict:
    pipe, setup, docs = _prepare(args)
    c0 = _cpu()
    n, words, cold = _run(pipe, _fresh(docs))
    cold_cpu = _cpu() - c0
    # warm = the morphology caches are warm, but the documents are new objects (tokenised again)
    _n, _w, warm = _run(pipe, _fresh(docs))
    return {"docs": n, "words": words, "setup_s": setup, "cold_s": cold, "warm_s": warm, "cold_cpu_s": cold_cpu,
            "cold_wps": words / cold, "warm_wps": words / warm, "peak_rss_mb": _rss_mb(), **spawn("unseen", args)}


def child_unseen(args) -> dict:
    """The middle of a long corpus: read the first half (untimed), then time the second half —
    articles this process has never seen, with the caches the first half left."""
    pipe, _setup, docs = _prepare(args)
    half = len(docs) // 2
    _run(pipe, _fresh(docs[:half]))
    _n, words, secs = _run(pipe, _fresh(docs[half:]))
    return {"unseen_s": secs, "unseen_words": words, "unseen_wps": words / secs}


def child_jobs(args) -> dict:
    pipe, setup, docs = _prepare(args)
    c0 = _cpu()
    n, words, secs = _run(pipe, _fresh(docs), n_jobs=args.jobs, batch_size=16, ordered=False,
                          mp_context=args.mp_context)
    out = {"docs": n, "words": words, "setup_s": setup, "seconds": secs, "wps": words / secs,
           "parent_cpu_s": _cpu() - c0, "workers_cpu_s": _cpu(resource.RUSAGE_CHILDREN),
           "parent_peak_rss_mb": _rss_mb(), "worker_peak_rss_mb": _rss_mb(resource.RUSAGE_CHILDREN)}
    if args.mp_context == "fork":
        # steady state (a long corpus): warm the parent's word-form cache, then fork new workers
        _run(pipe, _fresh(docs))
        _n, _w, warm = _run(pipe, _fresh(docs), n_jobs=args.jobs, batch_size=16, ordered=False,
                            mp_context="fork")
        out.update(warm_seconds=warm, warm_wps=words / warm)
    return out


def child_naive(args) -> dict:
    """The same job with the naive morphology: pymorphy3 called on every token, no cache."""
    from kzmedia import morphology

    class NoCache(dict):
        def get(self, key, default=None):
            return default

        def __setitem__(self, key, value):
            pass

    real_init = morphology.Morphology.__init__

    def init(self, *a, **kw):
        real_init(self, *a, **kw)
        for attr, value in list(vars(self).items()):  # every word-form cache the core keeps
            if isinstance(value, dict):
                setattr(self, attr, NoCache())
        if hasattr(self.lemmatizer, "_lookup"):
            self.lemmatizer._lookup = None  # pymorphy3's own parse, not kzmedia's dictionary shortcut

    def tokenize(self, text):
        # one parse per token, in text order (the real tokenizer computes each new form once)
        starts, ends, infos = [], [], []
        for m in morphology.TOKEN_RE.finditer(text):
            starts.append(m.start())
            ends.append(m.end())
            infos.append(self._compute(m.group()))
        return starts, ends, infos

    morphology.Morphology.__init__ = init
    morphology.Morphology.tokenize = tokenize
    pipe = _pipeline(args.analyzers)
    docs = list(_docs(args.corpus))
    n, words, secs = _run(pipe, _fresh(docs))
    # and lemmatisation alone, for orientation
    import pymorphy3

    from kzmedia.text import TOKEN_RE

    morph = pymorphy3.MorphAnalyzer()
    t0 = time.perf_counter()
    lw = 0
    for d in docs:
        if hasattr(d, "text"):
            for m in TOKEN_RE.finditer(d.text):
                w = m.group()
                if w[0].isalpha():
                    morph.parse(w.lower())[0].normal_form
                    lw += 1
    lem_secs = time.perf_counter() - t0
    return {"docs": n, "words": words, "seconds": secs, "wps": words / secs,
            "lemmatise_only_wps": lw / lem_secs, "peak_rss_mb": _rss_mb()}


def child_stages(args) -> dict:
    """Where one process spends a cold and a warm pass: tokenisation with lemmatisation,
    sentences and paragraphs, each analyzer, and the JSON-ready dict, timed stage by stage."""
    from kzmedia.pipeline import Analysis

    pipe, _setup, docs = _prepare(args)
    out = {}
    for label in ("cold", "warm"):
        spent: dict[str, float] = dict.fromkeys(["tokenise + lemmatise", "sentences", *pipe.analyzers, "to_dict"], 0.0)
        for d in _fresh(docs):
            if not hasattr(d, "text"):
                continue
            t0 = time.perf_counter()
            d.tokens  # noqa: B018
            t1 = time.perf_counter()
            d.sentence_index()
            t = time.perf_counter()
            spent["tokenise + lemmatise"] += t1 - t0
            spent["sentences"] += t - t1
            results = {}
            for name, analyzer in pipe.analyzers.items():
                results[name] = analyzer.analyze(d)
                now = time.perf_counter()
                spent[name] += now - t
                t = now
            Analysis(d, results, {n: str(a.version) for n, a in pipe.analyzers.items()}, []).to_dict()
            spent["to_dict"] += time.perf_counter() - t
        out[label] = spent
    return out


def child_natasha(args) -> dict:
    """The orientation pipeline of the issue, on the same documents: natasha's segmenter,
    morphology tagger, NER tagger and lemmatiser (``pip install natasha``, not a kzmedia
    dependency). Words are counted as kzmedia counts them, so the two figures share a unit."""
    from natasha import Doc, MorphVocab, NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter

    from kzmedia import Document

    texts = [d.text for d in _docs(args.corpus) if hasattr(d, "text")][:args.natasha_docs or None]
    words = sum(Document.from_text(t).words for t in texts)
    segmenter, emb, vocab = Segmenter(), NewsEmbedding(), MorphVocab()
    morph, ner = NewsMorphTagger(emb), NewsNERTagger(emb)
    t0 = time.perf_counter()
    for t in texts:
        doc = Doc(t)
        doc.segment(segmenter)
        doc.tag_morph(morph)
        doc.tag_ner(ner)
        for token in doc.tokens:
            token.lemmatize(vocab)
        for span in doc.spans:
            span.normalize(vocab)
    secs = time.perf_counter() - t0
    return {"docs": len(texts), "words": words, "seconds": secs, "wps": words / secs}


def child_tokenize(args) -> dict:
    """Tokenisation + cached lemmatisation alone (the floor under every analyzer)."""
    docs = list(_docs(args.corpus))
    from kzmedia import Document

    for d in docs[:50]:
        Document.from_text(d.text).tokens  # noqa: B018  (load the dictionaries)
    t0 = time.perf_counter()
    words = sum(Document.from_text(d.text).words for d in docs if hasattr(d, "text"))
    secs = time.perf_counter() - t0
    return {"words": words, "wps": words / secs}


def child_vocabulary(args) -> dict:
    """How fast new word forms arrive: the cache's size (distinct surface forms) after each
    document, fitted to Heaps' law ``forms = K * tokens ** beta`` over the last three quarters."""
    import math

    from kzmedia import Document
    from kzmedia.morphology import get_morphology

    morphology = get_morphology("ru")
    tokens, curve = 0, []
    for d in _docs(args.corpus):
        if hasattr(d, "text"):
            tokens += len(Document.from_text(d.text).tokens)
            curve.append((tokens, len(morphology._cache)))
    xs, ys = zip(*[(math.log(n), math.log(v)) for n, v in curve[len(curve) // 4:]])
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    beta = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return {"tokens": tokens, "forms": curve[-1][1], "beta": beta, "max_cache": morphology.max_cache}


def child_diverse(args) -> dict:
    """Memory on a long, diverse stream: documents of 1,500 distinct word forms each, taken in
    turn from pymorphy3's own dictionary (millions of forms, no data set needed), so the bounded
    word-form cache fills and makes room again and again, as it does tens of millions of tokens
    into a real corpus. Reports peak RSS, how often the cache made room, words/s."""
    import itertools

    from kzmedia import Document
    from kzmedia.morphology import get_morphology

    pipe = _pipeline(args.analyzers)
    morphology = get_morphology("ru")
    words = morphology.lemmatizer.analyzer.dictionary.words
    forms = itertools.chain.from_iterable(itertools.islice(words.iterkeys(), k, None, 4) for k in range(4))
    total = 0
    t0 = time.perf_counter()
    for _ in range(args.diverse):
        batch = list(itertools.islice(forms, 1500))
        if not batch:
            break
        analysis = pipe.analyze(Document.from_text(" ".join(batch) + "."))
        analysis.to_dict()
        total += analysis.document.words
    secs = time.perf_counter() - t0
    return {"docs": args.diverse, "words": total, "seconds": secs, "wps": total / secs,
            "evictions": morphology.generation, "max_cache": morphology.max_cache, "peak_rss_mb": _rss_mb()}


def child_scale(args) -> dict:
    pipe = _pipeline(args.analyzers)
    kw = {} if args.scale_jobs == 1 else {"n_jobs": args.scale_jobs, "batch_size": 16, "ordered": False,
                                          "mp_context": args.mp_context}
    n, words, secs = _run(pipe, _docs(args.corpus, args.times), **kw)
    return {"times": args.times, "jobs": args.scale_jobs, "docs": n, "words": words, "seconds": secs,
            "wps": words / secs, "peak_rss_mb": _rss_mb(), "worker_peak_rss_mb": _rss_mb(resource.RUSAGE_CHILDREN)}


CHILDREN = {"single": child_single, "unseen": child_unseen, "jobs": child_jobs, "naive": child_naive, "tokenize": child_tokenize,
            "scale": child_scale, "natasha": child_natasha, "stages": child_stages,
            "vocabulary": child_vocabulary, "diverse": child_diverse}


def spawn(mode: str, args, **extra) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, "--corpus", args.corpus, "--jobs", str(args.jobs),
           "--output", args.output, "--natasha-docs", str(args.natasha_docs), "--diverse", str(args.diverse),
           "--analyzers", ",".join(args.analyzers), "--mp-context", args.mp_context]
    for k, v in extra.items():
        cmd += [f"--{k}", str(v)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--analyzers", default=",".join(BUILTIN))
    p.add_argument("--mp-context", default="fork")
    p.add_argument("--scales", default="1,4,16")
    p.add_argument("--skip-naive", action="store_true")
    p.add_argument("--diverse", type=int, default=2000, metavar="DOCS",
                   help="memory on a long diverse stream: DOCS documents of 1,500 distinct dictionary "
                        "forms each (default 2000, ~30 s; 0 skips it)")
    p.add_argument("--stages", action="store_true",
                   help="also time each stage (tokenisation, sentences, each analyzer, to_dict), cold and warm")
    p.add_argument("--skip-natasha", action="store_true",
                   help="do not run natasha's pipeline for comparison (it runs only when installed)")
    p.add_argument("--natasha-docs", type=int, default=0,
                   help="run natasha on the first N documents only (default: all; ~40 s for ru-news-kz)")
    p.add_argument("--repeat", type=int, default=1,
                   help="run the single-process and --jobs measurements N times, alternating, and keep "
                        "the best of each (a shared machine is noisy)")
    p.add_argument("--output", choices=("dict", "jsonl"), default="dict",
                   help="what the job produces per document: the JSON-ready dict (Python API, default) "
                        "or the JSON line `kzmedia analyze --format jsonl` writes")
    p.add_argument("--json", metavar="OUT", help="also write the figures as JSON")
    p.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    p.add_argument("--times", type=int, default=1, help=argparse.SUPPRESS)
    p.add_argument("--scale-jobs", type=int, default=1, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.analyzers = [a for a in args.analyzers.split(",") if a]
    global OUTPUT
    OUTPUT = args.output
    if args.child:
        print(json.dumps(CHILDREN[args.child](args)))
        return 0
    if not Path(args.corpus).exists():
        print(f"corpus {args.corpus} is absent (the shared data sets sit beside the repository)", file=sys.stderr)
        return 2

    import platform

    import kzmedia

    print(f"kzmedia {kzmedia.__version__} · Python {platform.python_version()} · {os.cpu_count()} CPUs · "
          f"analyzers {', '.join(args.analyzers)}")
    print(f"corpus: {args.corpus}; per document the job produces: {args.output}")
    fig: dict = {}
    fig["tokenize"] = t = spawn("tokenize", args)
    print(f"tokenise + cached lemmatisation alone:   {t['wps']:>11,.0f} words/s")
    singles, jobs = [], []
    for _ in range(max(1, args.repeat)):
        singles.append(spawn("single", args))
        jobs.append(spawn("jobs", args))
    fig["single"] = s = min(singles, key=lambda r: r["cold_s"])
    s["warm_s"] = min(r["warm_s"] for r in singles)
    s["warm_wps"] = s["words"] / s["warm_s"]
    s["unseen_s"] = min(r["unseen_s"] for r in singles)
    s["unseen_wps"] = s["unseen_words"] / s["unseen_s"]
    print(f"{s['docs']} documents, {s['words']:,} words; pipeline set-up {s['setup_s']:.2f} s")
    print(f"1 process, cold (first pass):            {s['cold_wps']:>11,.0f} words/s  ({s['cold_s']:.2f} s)")
    print(f"1 process, warm (second pass):           {s['warm_wps']:>11,.0f} words/s  ({s['warm_s']:.2f} s)")
    print(f"1 process, unseen half after first half: {s['unseen_wps']:>11,.0f} words/s  ({s['unseen_s']:.2f} s)")
    print(f"  peak RSS                               {s['peak_rss_mb']:>11,.0f} MB; CPU time (cold) {s['cold_cpu_s']:.2f} s")
    fig["jobs"] = j = min(jobs, key=lambda r: r["seconds"])
    if "warm_seconds" in j:
        j["warm_seconds"] = min(r["warm_seconds"] for r in jobs)
        j["warm_wps"] = j["words"] / j["warm_seconds"]
    print(f"--jobs {args.jobs} ({args.mp_context}), cold:              {j['wps']:>11,.0f} words/s  "
          f"({j['seconds']:.2f} s; {j['wps'] / s['cold_wps']:.2f}× one cold process)")
    if "warm_wps" in j:
        print(f"--jobs {args.jobs} (fork), warm:              {j['warm_wps']:>11,.0f} words/s  "
              f"({j['warm_seconds']:.2f} s; {j['warm_wps'] / s['warm_wps']:.2f}× one warm process)")
    print(f"  peak RSS: parent {j['parent_peak_rss_mb']:,.0f} MB, largest worker {j['worker_peak_rss_mb']:,.0f} MB")
    print(f"  CPU time (cold run): parent {j['parent_cpu_s']:.2f} s, workers {j['workers_cpu_s']:.2f} s in all "
          f"→ with {args.jobs} idle cores at most {s['cold_cpu_s'] / max(j['workers_cpu_s'] / args.jobs, j['parent_cpu_s']):.2f}× "
          "one process")
    try:
        print(f"  1-minute load average after the runs: {os.getloadavg()[0]:.2f} (above ~{args.jobs}: other processes shared the cores)")
    except OSError:
        pass
    if not args.skip_naive:
        fig["naive"] = nv = spawn("naive", args)
        print(f"naive (pymorphy3 per token, no cache):   {nv['wps']:>11,.0f} words/s  "
              f"→ the pipeline is {s['cold_wps'] / nv['wps']:.1f}× faster (cold)")
        print(f"  lemmatisation alone, naive:            {nv['lemmatise_only_wps']:>11,.0f} words/s")
    fig["vocabulary"] = v = spawn("vocabulary", args)
    # A model, not a measurement. Over a long corpus new forms keep arriving at Heaps' rate
    # (d forms / d tokens = beta * forms / tokens); each costs the measured first-sight extra on
    # top of the warm cost per token. The bounded cache adds relearning: at worst (starting
    # afresh each time it holds max_cache forms) one cold run's worth per cycle; it keeps the
    # first-met half instead, so the truth lies between the two figures.
    per_token = s["warm_s"] / v["tokens"]
    per_form = (s["cold_s"] - s["warm_s"]) / v["forms"]
    words_per_token = s["words"] / v["tokens"]
    at = 10_000_000
    rate = v["beta"] * v["forms"] * (at / v["tokens"]) ** v["beta"] / at
    unbounded = words_per_token / (per_token + rate * per_form)
    cycle = v["tokens"] * (v["max_cache"] / v["forms"]) ** (1 / v["beta"])
    afresh = cycle * words_per_token / (cycle * per_token + v["max_cache"] * per_form)
    fig["projected_long_corpus_wps"] = {"at_10M_tokens_unbounded": unbounded, "cache_afresh_each_cycle": afresh}
    print(f"  vocabulary: {v['forms']:,} surface forms in {v['tokens']:,} tokens (Heaps' beta {v['beta']:.2f}); "
          f"a new form costs {per_form * 1e6:.0f} µs beyond a warm token's {per_token * 1e6:.1f} µs")
    print(f"  projected (a model), 10 M tokens into a corpus: {unbounded:,.0f} words/s with every form kept; "
          f"{afresh:,.0f} words/s if the {v['max_cache']:,}-form cache started afresh every ~{cycle / 1e6:.0f} M tokens")
    if args.stages:
        fig["stages"] = st = spawn("stages", args)
        total = {k: sum(v.values()) for k, v in st.items()}
        print("stages, seconds (share of the pass):      cold            warm")
        for stage in st["cold"]:
            print(f"  {stage:<38} {st['cold'][stage]:5.2f} ({st['cold'][stage] / total['cold']:4.0%})"
                  f"   {st['warm'][stage]:5.2f} ({st['warm'][stage] / total['warm']:4.0%})")
    if not args.skip_natasha:
        try:
            fig["natasha"] = nt = spawn("natasha", args)
        except subprocess.CalledProcessError as e:
            last = (e.stderr or "").strip().splitlines()[-1:] or ["failed"]
            print(f"natasha: not measured ({last[0]}; pip install natasha)")
        else:
            print(f"natasha (segment, morphology, NER, lemmatise) on {nt['docs']} documents: "
                  f"{nt['wps']:>9,.0f} words/s → kzmedia's three analyzers are {s['cold_wps'] / nt['wps']:.1f}× "
                  f"that cold, {s['warm_wps'] / nt['wps']:.1f}× warm")
    fig["scale"] = []
    base = None
    prev = None
    for times in [int(x) for x in args.scales.split(",") if x]:
        r = spawn("scale", args, times=times)
        fig["scale"].append(r)
        base = base or r["seconds"] / times
        print(f"{times:>3}× corpus: {r['words']:>11,} words in {r['seconds']:7.2f} s = {r['wps']:>9,.0f} words/s; "
              f"time/(1× time × {times}) = {r['seconds'] / (base * times):.2f}; peak RSS {r['peak_rss_mb']:,.0f} MB")
        if prev is not None:
            print(f"      each extra copy of the corpus: {(r['seconds'] - prev[1]) / (times - prev[0]):.2f} s")
        prev = (times, r["seconds"])
    if args.diverse:
        fig["diverse"] = dv = spawn("diverse", args)
        print(f"diverse stream: {dv['words']:,} words, every one a dictionary form met for the first time or "
              f"again after the cache made room ({dv['evictions']} times, {dv['max_cache']:,} forms): "
              f"{dv['wps']:,.0f} words/s, peak RSS {dv['peak_rss_mb']:,.0f} MB")
    if fig["scale"] and args.jobs > 1:
        times = max(r["times"] for r in fig["scale"])
        one = next(r for r in fig["scale"] if r["times"] == times)
        r = spawn("scale", args, times=times, **{"scale-jobs": args.jobs})
        fig["scale_jobs"] = r
        print(f"{times:>3}× corpus with --jobs {args.jobs}: {r['wps']:>9,.0f} words/s = "
              f"{one['seconds'] / r['seconds']:.2f}× one process on the same stream (steady state); "
              f"peak RSS parent {r['peak_rss_mb']:,.0f} MB, worker {r['worker_peak_rss_mb']:,.0f} MB")
    if args.json:
        Path(args.json).write_text(json.dumps(fig, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
