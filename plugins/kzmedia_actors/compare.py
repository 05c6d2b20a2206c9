"""The actors' sections of comparisons: each actor's mentions, portrayal, main grammatical role and tone side by side, for two texts or per group.

Registered through ``kzmedia_register_compare_sections``; the core's generic rows (mentions per
1,000 words per actor, relations by type) come alongside. For groups (:class:`ActorsGroups`):
per actor and group, the % of documents that mention it, its mean tone over them, and how they
cast it (the most frequent portrayal and main role, as % of those documents).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping


def _main_role(actor: Mapping) -> str | None:
    roles = {k: v for k, v in (actor.get("roles") or {}).items() if v and k != "unknown"}
    return max(sorted(roles), key=lambda k: roles[k]) if roles else None


class ActorsSection:
    """Actors of two texts, the largest difference in mentions first."""

    def __init__(self, results: list[Mapping]):
        by_id = [{a["id"]: a for a in r.get("actors") or () if "id" in a} for r in results]
        self.rows = []
        for actor_id in dict.fromkeys([*by_id[0], *by_id[1]]):
            sides = [d.get(actor_id) or {} for d in by_id]
            row = {"id": actor_id, "name": next((s["name"] for s in sides if s.get("name")), actor_id)}
            for key, s in zip("ab", sides):
                row[key] = {"mentions": int(s.get("count", 0)),
                            "portrayal": (s.get("portrayal") or {}).get("label"),
                            "role": _main_role(s), "tone": s.get("tone")}
            row["difference"] = row["a"]["mentions"] - row["b"]["mentions"]
            self.rows.append(row)
        self.rows.sort(key=lambda r: (-abs(r["difference"]), -(r["a"]["mentions"] + r["b"]["mentions"]), r["id"]))

    def to_dict(self) -> dict:
        return {"actors": self.rows}

    def lines(self, top: int = 8) -> list[str]:
        out = [f"actors side by side (mentions; portrayal; main role; tone): {'A':<36} B"]
        for r in self.rows[:top]:
            def cell(s):
                tone = "—" if s["tone"] is None else f"{s['tone']:+.2f}"
                return f"{s['mentions']}; {s['portrayal'] or '—'}; {s['role'] or '—'}; {tone}"
            out.append(f"  {r['id']:<10} {r['name'][:22]:<22} {cell(r['a']):<40} {cell(r['b'])}")
        return out


def section(comparison) -> ActorsSection:
    """``kzmedia_register_compare_sections`` factory: the actors' section of ``comparison``."""
    return ActorsSection([a.result("actors") for a in comparison.analyses])


# --- groups of documents ----------------------------------------------------------------------

class ActorsGroups:
    """Accumulates actors results per group (``add``), then makes the section of a group comparison."""

    def __init__(self):
        self.documents: Counter = Counter()
        self.mentioned: dict[str, Counter] = defaultdict(Counter)
        self.tones: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.portrayals: dict[tuple[str, str], Counter] = defaultdict(Counter)
        self.roles: dict[tuple[str, str], Counter] = defaultdict(Counter)
        self.names: dict[str, str] = {}

    def add(self, group: str, result: Mapping) -> None:
        self.documents[group] += 1
        for actor in result.get("actors") or ():
            if "id" not in actor or not actor.get("count"):
                continue
            key = (actor["id"], group)
            self.names.setdefault(actor["id"], actor.get("name") or actor["id"])
            self.mentioned[group][actor["id"]] += 1
            if actor.get("tone") is not None:
                self.tones[key].append(float(actor["tone"]))
            self.portrayals[key][(actor.get("portrayal") or {}).get("label")] += 1
            self.roles[key][_main_role(actor)] += 1

    def section(self, comparison) -> ActorsGroupSection | None:
        groups = [g for g in comparison.groups if self.documents[g]]
        return ActorsGroupSection(self, groups) if groups else None


def _most(counts: Counter, total: int) -> dict | None:
    """The most frequent value (not None) and its % of ``total`` documents."""
    known = sorted((v, n) for v, n in counts.items() if v is not None)
    if not known:
        return None
    value, n = max(known, key=lambda vn: vn[1])
    return {"label": value, "documents": round(100.0 * n / total, 1)}


class ActorsGroupSection:
    """Actors per compared group, those whose share of documents differs most first."""

    def __init__(self, acc: ActorsGroups, groups: list[str]):
        self.groups = {g: acc.documents[g] for g in groups}
        self.rows = []
        for actor_id in sorted({a for g in groups for a in acc.mentioned[g]}):
            row = {"id": actor_id, "name": acc.names[actor_id]}
            for g in groups:
                n, key = acc.mentioned[g][actor_id], (actor_id, g)
                tones = acc.tones.get(key) or []
                row[g] = {"documents": round(100.0 * n / self.groups[g], 1), "mentioned_in": n,
                          "tone": round(sum(tones) / len(tones), 3) if tones else None,
                          "portrayal": _most(acc.portrayals[key], n) if n else None,
                          "role": _most(acc.roles[key], n) if n else None}
            self.rows.append(row)
        self.rows.sort(key=lambda r: (-(max(r[g]["documents"] for g in groups) - min(r[g]["documents"] for g in groups)),
                                      -sum(r[g]["mentioned_in"] for g in groups), r["id"]))

    def to_dict(self) -> dict:
        return {"documents": self.groups, "unit": "% of the group's documents", "actors": self.rows}

    def lines(self, top: int = 8) -> list[str]:
        out = ["actors per group (% of documents mentioning; mean tone there; most frequent portrayal and main "
               "role, % of those documents), the largest difference first:"]
        for r in self.rows[:top]:
            out.append(f"  {r['id']:<10} {r['name']}")
            for g in self.groups:
                s = r[g]
                if not s["mentioned_in"]:
                    out.append(f"    {g[:24]:<24} 0%")
                    continue
                tone = "—" if s["tone"] is None else f"{s['tone']:+.2f}"
                cast = "; ".join(f"{c['label']} {c['documents']:.0f}%" if c else "—" for c in (s["portrayal"], s["role"]))
                out.append(f"    {g[:24]:<24} {s['documents']:.0f}%; tone {tone}; {cast}")
        return out
