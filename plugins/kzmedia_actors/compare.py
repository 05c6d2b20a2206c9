"""The actors' section of a two-text comparison: each actor's mentions, portrayal, main grammatical role and tone side by side.

Registered through ``kzmedia_register_compare_sections``; the core's generic rows (mentions per
1,000 words per actor, relations by type) come alongside.
"""

from __future__ import annotations

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
