"""From evidence about pairs to persons: which pairs merge, which are held for review, which are blocked.

1. Evidence is grouped per account pair. A pair **merges** when an analyst said "same", when it has
   strong evidence (a shared selector, a household address in the window, a Splink probability above
   the threshold), or weak evidence of ``weak_methods_to_merge`` different methods (e.g. writing style and
   an address seen months apart). Writing style alone never merges: the pair is a review candidate.
2. **Chaining guard**: in the graph of merging pairs, a bridge (a pair whose removal splits its group) with
   at least ``bridge_min_size`` accounts on each side is held for review instead — one link never joins
   two large groups. A pair an analyst said is "same" is never held.
3. Union-find over the remaining pairs, strongest first, refusing any union that would put two accounts
   an analyst said are "not same" into one person (``not same`` blocks for good, also transitively).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rescue.identity.config import IdentityConfig
from rescue.identity.model import METHODS, Evidence

Pair = tuple[int, int]


@dataclass
class PairState:
    a: int
    b: int
    evidence: list[Evidence] = field(default_factory=list)
    merge_method: str | None = None   # why it would merge (None: it would not)
    status: str = ""
    review_reason: str | None = None

    @property
    def methods(self) -> set[str]:
        return {e.method for e in self.evidence}

    def best_score(self, method: str) -> float:
        return max((e.score for e in self.evidence if e.method == method), default=0.0)


class UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if (self.size[ra], rb) < (self.size[rb], ra):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        return ra


def classify(pairs: dict[Pair, PairState], cfg: IdentityConfig, same: set[Pair], not_same: set[Pair]) -> None:
    """Set ``merge_method`` (or a held/blocked status) on every pair."""
    for p, st in pairs.items():
        strong = [e for e in st.evidence if e.strength == "strong"]
        weak_methods = {e.method for e in st.evidence if e.strength == "weak"}
        if p in not_same:
            st.status = "blocked: an analyst decided not same"
        elif p in same:
            st.merge_method = "decision"
        elif strong:
            st.merge_method = min((e.method for e in strong), key=METHODS.index)
        elif len(weak_methods) >= cfg.weak_methods_to_merge:
            st.merge_method = "combined"
        elif not st.methods - {"decision"}:
            st.status = "held: an analyst was unsure"
            st.review_reason = "an analyst was unsure"
        elif st.methods - {"decision"} == {"style"}:
            st.status = "held: writing style only"
            st.review_reason = "writing style only (never merges alone)"
        else:
            st.status = "held: weak evidence only"
            st.review_reason = f"weak evidence only ({', '.join(sorted(st.methods - {'decision'}))})"


def large_bridges(edges: list[Pair], min_size: int) -> dict[Pair, tuple[int, int]]:
    """Bridges of the graph whose removal leaves at least ``min_size`` accounts on each side, with the
    sizes of the side of the pair's first and second account."""
    adj: dict[int, list[int]] = defaultdict(list)
    for a, b in edges:
        adj[a].append(b)
        adj[b].append(a)
    disc: dict[int, int] = {}
    low: dict[int, int] = {}
    sub: dict[int, int] = {}
    found: list[tuple[int, int, int]] = []   # (parent, child, subtree size of child) per bridge
    comp_size: dict[int, int] = {}
    timer = 0
    for start in sorted(adj):
        if start in disc:
            continue
        members: list[int] = []
        disc[start] = low[start] = timer
        timer += 1
        stack: list[tuple[int, int, int]] = [(start, -1, 0)]   # node, parent, next neighbour position
        comp_bridges: list[tuple[int, int]] = []
        while stack:
            node, parent, pos = stack[-1]
            if pos == 0:
                members.append(node)
                sub[node] = 1
            nbrs = adj[node]
            if pos < len(nbrs):
                stack[-1] = (node, parent, pos + 1)
                nxt = nbrs[pos]
                if nxt == parent:
                    continue
                if nxt in disc:
                    low[node] = min(low[node], disc[nxt])
                else:
                    disc[nxt] = low[nxt] = timer
                    timer += 1
                    stack.append((nxt, node, 0))
                continue
            stack.pop()
            if parent >= 0:
                low[parent] = min(low[parent], low[node])
                sub[parent] += sub[node]
                if low[node] > disc[parent]:
                    comp_bridges.append((parent, node))
        total = len(members)
        for m in members:
            comp_size[m] = total
        found += [(p, c, sub[c]) for p, c in comp_bridges]
    out: dict[Pair, tuple[int, int]] = {}
    for p, c, s in found:
        rest = comp_size[c] - s
        if s >= min_size and rest >= min_size:
            out[(min(p, c), max(p, c))] = (rest, s) if p < c else (s, rest)
    return out


def cluster(n: int, pairs: dict[Pair, PairState], cfg: IdentityConfig, not_same: set[Pair],
            decision_order: list[Pair]) -> UnionFind:
    """Apply the merges (see the module text); returns the union-find of the persons."""
    merging = [p for p, st in pairs.items() if st.merge_method is not None]
    held = large_bridges(merging, cfg.bridge_min_size)
    uf = UnionFind(n)
    blocked: dict[int, set[int]] = defaultdict(set)   # root -> accounts its person may never join
    for a, b in not_same:
        blocked[a].add(b)
        blocked[b].add(a)
    order = {p: i for i, p in enumerate(decision_order)}

    def rank(p: Pair) -> tuple[int, int, float, Pair]:
        st = pairs[p]
        method = st.merge_method or "style"
        score = max((e.score for e in st.evidence), default=0.0)
        return (METHODS.index(method), order.get(p, 0), -score, p)

    for p in sorted(merging, key=rank):
        st = pairs[p]
        if p in held and st.merge_method != "decision":
            st.status = "held: bridge between two groups"
            st.review_reason = (f"bridge: the only link between groups of {held[p][0]} and {held[p][1]} accounts "
                                f"(would merge by {st.merge_method})")
            continue
        ra, rb = uf.find(p[0]), uf.find(p[1])
        if ra == rb:
            st.status = "merged"
            continue
        clash = next((x for x in sorted(blocked[ra]) if uf.find(x) == rb), None)
        if clash is not None:
            st.status = "blocked: would join accounts an analyst decided are not the same"
            st.review_reason = "conflicts with a 'not same' decision"
            continue
        root = uf.union(*p)
        other = rb if root == ra else ra
        blocked[root] |= blocked.pop(other, set())
        st.status = "merged"
    for st in pairs.values():
        if not st.status:
            st.status = "merged" if uf.find(st.a) == uf.find(st.b) else "held"
    return uf

