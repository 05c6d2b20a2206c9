"""Whole-process CLI rate against the in-process pipeline rate, and against an earlier tree.

    python benchmarks/bench_cli.py [--before PATH] [--after PATH] [--corpus PATH] [--repeat 3]

In one run, alternating the trees so that machine load falls on both alike:

* ``kzmedia analyze CORPUS --format jsonl > /dev/null`` as a fresh process (start-up, reading,
  analysing, JSON encoding, writing), words per second of wall time;
* the same documents through ``Pipeline.analyze`` + ``Analysis.to_json`` in one process after
  the pipeline is built (the in-process rate), words per second;
* both in wall time and in CPU time (user + system of the measured process), which other
  sessions' load moves much less on a shared machine;
* with ``--core``, a toy analyzer instead of the built-ins (the same JSON in both trees: what
  differs is the core's own cost);
* both trees from compiled bytecode (a warm-up run each first; ``PYTHONDONTWRITEBYTECODE`` is
  dropped from the environment), as an installed package starts;
* with ``--instructions``, the instructions each tree executes (valgrind's callgrind), which
  machine load does not move at all: the figure to trust when the times' spread is wide;
* with ``--before PATH`` (a checkout of an earlier commit, e.g. ``git worktree add /tmp/before
  COMMIT``), both figures for that tree too, and how many documents' JSON lines differ.
  ``--after PATH`` names the other checkout (default: this one).

Each tree runs with its own interpreter: ``TREE/.venv/bin/python`` when the checkout has its own
virtual environment (``python -m venv .venv && .venv/bin/pip install -e .`` in it, so that its
entry points are its own), else the interpreter running this script with the tree first on
``PYTHONPATH``.

The built-in analyzers only (``KZMEDIA_PLUGINS=framing,actors,rhetoric``; ``--plugins``). Figures depend on the
machine; the ones for this repository are in docs/corpus.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "external" / "ru-news-kz" / "articles.jsonl"

IN_PROCESS = r"""
import sys, time
from kzmedia import Pipeline
from kzmedia.readers import read_corpus
pipe = Pipeline()
docs = list(read_corpus([sys.argv[1]]))
t0, c0 = time.perf_counter(), time.process_time()
words = 0
for doc in docs:
    a = pipe.analyze(doc)
    a.to_json()
    words += doc.words if doc.text.strip() else 0
print(words, time.perf_counter() - t0, time.process_time() - c0)
"""


PLUGINS = "framing,actors,rhetoric"
#: with ``--core``: a directory holding the toy plugin below as an installed distribution
TOY_DIR: Path | None = None

#: ``--core``: an analyzer that only reads the core's token columns (every token of a few lemmas as
#: a finding, and their count), so both trees give the same JSON and what differs is the core alone:
#: reading, tokenising, lemmatising, the pipeline, result checks, JSON encoding and writing
TOY_PLUGIN = """
from kzmedia import hookimpl

LEMMAS = frozenset("казахстан россия китай страна президент закон год".split())


class Lemmas:
    name, version = "toy_lemmas", "1"

    def analyze(self, document):
        tokens, text = document.tokens, document.text
        found = []
        for i in range(len(tokens)):
            lemma = tokens.lemma(i)
            if lemma in LEMMAS:
                start, end = tokens.starts[i], tokens.ends[i]
                found.append({"label": lemma, "start": start, "end": end, "text": text[start:end]})
        return {"findings": found, "count": len(found)}


@hookimpl
def kzmedia_register_analyzers(register):
    register(Lemmas())
"""


def write_toy_plugin(directory: Path) -> Path:
    """The toy plugin as an installed distribution (a module and its entry point) in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "kzmedia_bench_toy.py").write_text(TOY_PLUGIN, encoding="utf-8")
    info = directory / "kzmedia_bench_toy-1.0.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: kzmedia-bench-toy\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[kzmedia]\ntoy_lemmas = kzmedia_bench_toy\n", encoding="utf-8")
    return directory


def env_for(tree: Path) -> dict:
    path = [str(tree), str(tree / "plugins")] + ([str(TOY_DIR)] if TOY_DIR else [])
    env = {**os.environ, "KZMEDIA_PLUGINS": PLUGINS, "PYTHONPATH": os.pathsep.join(path)}
    env.pop("KZMEDIA_CONFIG", None)
    # an installed package starts from compiled bytecode; with PYTHONDONTWRITEBYTECODE set (as on
    # this machine) a checkout compiles every module from source at each start — 0.12 s per
    # process here, and more for the larger tree — which is not what a user's run pays
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def warm_up(tree: Path) -> None:
    """One short run per tree before measuring: bytecode written, files in the OS cache."""
    one = Path(TOY_DIR or "/tmp") / "bench_cli_one.txt"
    one.write_text("Казахстан и Россия подписали договор.", encoding="utf-8")
    subprocess.run([python_of(tree), "-m", "kzmedia", "analyze", str(one), "--format", "jsonl"], env=env_for(tree),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, cwd="/")


def python_of(tree: Path) -> str:
    """The tree's own interpreter (its ``.venv``), else this one."""
    own = tree / ".venv" / "bin" / "python"
    return str(own) if own.exists() else sys.executable


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def cli_run(tree: Path, corpus: str, out: Path) -> tuple[float, float]:
    """``(wall seconds, CPU seconds)`` of one ``kzmedia analyze --format jsonl`` process."""
    t0, c0 = time.perf_counter(), _children_cpu()
    with open(out, "wb") as fh:
        subprocess.run([python_of(tree), "-m", "kzmedia", "analyze", corpus, "--format", "jsonl"],
                       env=env_for(tree), stdout=fh, stderr=subprocess.DEVNULL, check=False, cwd="/")
    return time.perf_counter() - t0, _children_cpu() - c0


def instructions(tree: Path, argv: list[str]) -> int:
    """Instructions one process executes (valgrind's callgrind, ~50× slower than a plain run):
    unlike time, the same on a loaded machine as on a quiet one, so two trees compare exactly
    (hash randomisation off, ``PYTHONHASHSEED=0``, for a repeatable count)."""
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", python_of(tree), *argv],
                          env={**env_for(tree), "PYTHONHASHSEED": "0"}, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=True, cwd="/")
    refs = [line for line in done.stderr.splitlines() if "I   refs:" in line or "I refs:" in line]
    return int(refs[-1].rsplit(":", 1)[1].replace(",", "").strip())


def in_process(tree: Path, corpus: str) -> tuple[float, float]:
    """``(wall seconds, CPU seconds)`` of analysing and encoding the documents in one process."""
    done = subprocess.run([python_of(tree), "-c", IN_PROCESS, corpus], env=env_for(tree), cwd="/",
                          capture_output=True, text=True, check=True)
    _words, seconds, cpu = done.stdout.split()
    return float(seconds), float(cpu)


def words_of(jsonl: Path) -> int:
    with open(jsonl, encoding="utf-8") as fh:
        return sum(json.loads(line)["document"]["words"] for line in fh if line.strip())


def differing(a: Path, b: Path) -> dict[str, int]:
    """Per analyzer, the documents whose result differs between two JSON-lines outputs."""
    out: dict[str, int] = {}
    with open(a, encoding="utf-8") as fa, open(b, encoding="utf-8") as fb:
        for la, lb in zip(fa, fb):
            ra, rb = json.loads(la)["results"], json.loads(lb)["results"]
            for name in sorted(set(ra) | set(rb)):
                if ra.get(name) != rb.get(name):
                    out[name] = out.get(name, 0) + 1
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--before", type=Path, help="a checkout of an earlier tree to compare with")
    p.add_argument("--after", type=Path, default=REPO, help="the checkout measured as 'after' (default: this one)")
    p.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--tmp", type=Path, default=Path("/tmp"))
    p.add_argument("--plugins", default=PLUGINS,
                   help="analyzers to run (KZMEDIA_PLUGINS); one whose output did not change between the "
                        "trees isolates the core's own cost")
    p.add_argument("--core", action="store_true",
                   help="run only a toy analyzer that reads the core's token columns (the same JSON in "
                        "both trees): the core's own cost, whatever the built-ins changed")
    p.add_argument("--instructions", action="store_true",
                   help="also count the instructions of one CLI run and one in-process run per tree "
                        "(valgrind; minutes per run): a comparison that machine load cannot move")
    args = p.parse_args(argv)
    globals()["PLUGINS"] = "toy_lemmas" if args.core else args.plugins
    if args.core:
        globals()["TOY_DIR"] = write_toy_plugin(args.tmp / "bench_cli_toy")
    if not os.path.exists(args.corpus):
        print(f"{args.corpus} is absent: nothing to measure", file=sys.stderr)
        return 2
    trees = {"after": args.after.resolve()} | ({"before": args.before.resolve()} if args.before else {})
    cli: dict[str, list[tuple[float, float]]] = {k: [] for k in trees}
    inproc: dict[str, list[tuple[float, float]]] = {k: [] for k in trees}
    outs = {k: args.tmp / f"bench_cli_{k}.jsonl" for k in trees}
    for tree in trees.values():
        warm_up(tree)
    for _ in range(args.repeat):
        for name, tree in trees.items():
            cli[name].append(cli_run(tree, args.corpus, outs[name]))
            inproc[name].append(in_process(tree, args.corpus))
    words = words_of(outs["after"])
    print(f"corpus: {args.corpus} ({words:,} words); analyzers: {PLUGINS}; {args.repeat} runs each, alternating; "
          "median (min–max)")
    for name, tree in trees.items():
        print(f"{name:>6}: {tree} ({python_of(tree)})")
    for clock, k in (("wall", 0), ("CPU", 1)):
        print(f"{clock} time" + (" (user + system of the measured process: less moved by other load):"
                                 if clock == "CPU" else ":"))
        for name in trees:
            cs, ins = [x[k] for x in cli[name]], [x[k] for x in inproc[name]]
            c, i = statistics.median(cs), statistics.median(ins)
            print(f"  {name:>6}: CLI {words / c:9,.0f} words/s ({words / max(cs):,.0f}–{words / min(cs):,.0f})"
                  f" · in-process {words / i:9,.0f} words/s ({words / max(ins):,.0f}–{words / min(ins):,.0f})"
                  f" · CLI/in-process {i / c:.1%}")
        if "before" in trees:
            ratio = statistics.median(x[k] for x in cli["before"]) / statistics.median(x[k] for x in cli["after"])
            inratio = (statistics.median(x[k] for x in inproc["before"])
                       / statistics.median(x[k] for x in inproc["after"]))
            print(f"  after/before: CLI {ratio:.2f}× the speed, in-process {inratio:.2f}× (ratio of the medians)")
            # each round ran both trees back to back: the ratio within a round cancels the load
            # that moved between rounds, so its median and range say more than the medians' ratio
            for what, runs in (("CLI", cli), ("in-process", inproc)):
                pairs = sorted(b[k] / a[k] for a, b in zip(runs["after"], runs["before"]))
                print(f"  after/before per round, {what}: median {statistics.median(pairs):.2f}× "
                      f"({pairs[0]:.2f}–{pairs[-1]:.2f}; {sum(r >= 1 for r in pairs)} of {len(pairs)} rounds ≥ 1)")
    if args.instructions:
        print("instructions (valgrind callgrind, one run each, PYTHONHASHSEED=0):")
        counts = {name: (instructions(tree, ["-m", "kzmedia", "analyze", args.corpus, "--format", "jsonl"]),
                         instructions(tree, ["-c", IN_PROCESS, args.corpus])) for name, tree in trees.items()}
        for name, (cli_n, in_n) in counts.items():
            print(f"  {name:>6}: CLI {cli_n / 1e9:.3f} G, in-process script {in_n / 1e9:.3f} G")
        if "before" in counts:
            (ca, ia), (cb, ib) = counts["after"], counts["before"]
            print(f"  after/before: CLI {cb / ca:.3f}× the speed, in-process script {ib / ia:.3f}× "
                  "(fewer instructions = faster)")
    if "before" in trees:
        print(f"documents whose JSON differs, per analyzer: {differing(outs['before'], outs['after']) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
