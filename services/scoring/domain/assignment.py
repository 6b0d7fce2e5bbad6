"""Which reviewers review which applications: deterministic, balanced, never conflicted.

Every chosen application needs k reviewers (fewer only when fewer than k may review it);
assignments already made (`live`) stay as they are, so a second run, or the re-assignment
after a declared conflict, only adds. Among all the assignments that give every application
what it needs without a conflicted reviewer, the one returned has the smallest possible
largest load and, at the same time, the largest possible smallest load: when loads that
differ by at most one are possible, they are what comes out.

It is a flow problem (applications to reviewers, each reviewer's load bounded), solved with
augmenting paths: first every reviewer is filled up to the lower bound L (the largest that
can be filled), then up to the upper bound H (the smallest that lets every application have
what it needs). An augmenting path never takes an assignment away from a reviewer, only
moves an application made in this run to another reviewer, so the loads reached in the first
phase are kept by the second. Ties (which reviewer, which path) are broken by load, then by a
hash of application and reviewer ids, so equal input gives an equal plan and pairs of
reviewers are spread rather than always reviewing together.
"""

import hashlib
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

from services.scoring.domain.panel import Candidate, Reviewer, conflicted

Rule = Literal["all_eligible", "top"]
_LATEST = datetime.max


@dataclass(frozen=True, order=True)
class Pair:
    application_id: UUID
    reviewer_id: str


@dataclass(frozen=True)
class Plan:
    new: tuple[Pair, ...]
    """The assignments to make, by application then reviewer."""
    short: tuple[UUID, ...]
    """Applications left with fewer than k reviewers: too few may review them."""
    loads: dict[str, int]
    """Each reviewer's assignments once the plan is made, the live ones included."""


def choose(candidates: Iterable[Candidate], *, rule: Rule, top: int | None) -> list[Candidate]:
    """The applications that get human review: all, or the best `top` by rubric total (then
    earlier submission, then id, the order grant ranks in)."""
    ranked = sorted(
        candidates,
        key=lambda c: (-c.rubric_total, c.submitted_at or _LATEST, c.application_id),
    )
    if rule == "all_eligible":
        return ranked
    if top is None:
        raise ValueError("rule 'top' needs a number of applications")
    return ranked[:top]


def _spread(application_id: UUID, reviewer_id: str) -> bytes:
    return hashlib.sha256(application_id.bytes + reviewer_id.encode()).digest()


class _Flow:
    """Assignments of this run, with each reviewer's load bounded by a cap that only grows."""

    def __init__(
        self,
        candidates: Sequence[Candidate],
        reviewers: Sequence[Reviewer],
        live: dict[UUID, set[str]],
        fixed_load: dict[str, int],
        needs: dict[UUID, int],
    ) -> None:
        self.reviewers = sorted(r.reviewer_id for r in reviewers)
        self.fixed_load = fixed_load
        self.needs = needs
        self.new: dict[UUID, set[str]] = {c.application_id: set() for c in candidates}
        self.load = dict(fixed_load)
        self.cap = dict.fromkeys(self.reviewers, 0)
        self.taken: dict[UUID, set[str]] = {a: set(live.get(a, ())) for a in self.new}
        by_id = {r.reviewer_id: r for r in reviewers}
        # Who may review what: not conflicted, and not reviewing it already.
        self.may: dict[UUID, list[str]] = {
            c.application_id: [
                rid
                for rid in self.reviewers
                if not conflicted(by_id[rid], c) and rid not in self.taken[c.application_id]
            ]
            for c in candidates
        }
        self.spread = {
            a: {rid: _spread(a, rid) for rid in options} for a, options in self.may.items()
        }
        self.holders: dict[str, set[UUID]] = {rid: set() for rid in self.reviewers}
        self.order = [c.application_id for c in candidates]

    def set_caps(self, bound: int) -> None:
        self.cap = {rid: max(bound, self.load[rid]) for rid in self.reviewers}

    def _options(self, application_id: UUID) -> list[str]:
        here = self.new[application_id]
        return [rid for rid in self.may[application_id] if rid not in here]

    def _least_loaded(self, application_id: UUID) -> list[str]:
        spread = self.spread[application_id]
        return sorted(self._options(application_id), key=lambda rid: (self.load[rid], spread[rid]))

    def augment(self, application_id: UUID) -> bool:
        """One more reviewer for the application, moving other new assignments if need be."""
        parent: dict[str, tuple[UUID, str | None]] = {}
        queue: deque[str] = deque()

        def reach(rid: str, via: UUID, previous: str | None) -> bool:
            parent[rid] = (via, previous)
            if self.load[rid] < self.cap[rid]:
                self._apply(rid, parent)
                return True
            queue.append(rid)
            return False

        if all(self.load[rid] >= self.cap[rid] for rid in self.reviewers):
            return False
        for rid in self._least_loaded(application_id):
            if reach(rid, application_id, None):
                return True
        while queue:
            rid = queue.popleft()
            # rid is full: one of its new applications could move to another reviewer.
            for other in sorted(self.holders[rid]):
                for nxt in self._options(other):
                    if nxt not in parent and reach(nxt, other, rid):
                        return True
        return False

    def _apply(self, end: str, parent: dict[str, tuple[UUID, str | None]]) -> None:
        self.load[end] += 1
        rid: str | None = end
        while rid is not None:
            application_id, previous = parent[rid]
            self.new[application_id].add(rid)
            self.holders[rid].add(application_id)
            if previous is not None:
                self.new[application_id].discard(previous)
                self.holders[previous].discard(application_id)
            rid = previous

    def fill(self) -> None:
        """Augment until no application with an unmet need can get one more reviewer: an
        application with no augmenting path gets none later in the same pass either (caps
        fixed), so the pass that follows one with progress only confirms."""
        progress = True
        while progress:
            progress = False
            for application_id in self.order:
                while len(self.new[application_id]) < self.needs[application_id]:
                    if not self.augment(application_id):
                        break
                    progress = True
            if progress and self.unmet() == 0:
                return

    def unmet(self) -> int:
        return sum(self.needs[a] - len(self.new[a]) for a in self.order)


def assign(
    candidates: Sequence[Candidate],
    reviewers: Sequence[Reviewer],
    *,
    k: int,
    live: Iterable[Pair] = (),
) -> Plan:
    """The assignments that give each candidate k reviewers, the live ones counting."""
    if k < 1:
        raise ValueError("k must be at least 1")
    ids = [c.application_id for c in candidates]
    if len(set(ids)) != len(ids):
        raise ValueError("an application is listed twice")
    reviewer_ids = [r.reviewer_id for r in reviewers]
    if len(set(reviewer_ids)) != len(reviewer_ids):
        raise ValueError("a reviewer is listed twice")
    wanted = set(ids)
    live_by_app: dict[UUID, set[str]] = {}
    fixed_load = dict.fromkeys(reviewer_ids, 0)
    for pair in live:
        if pair.reviewer_id in fixed_load:
            fixed_load[pair.reviewer_id] += 1
            if pair.application_id in wanted:
                live_by_app.setdefault(pair.application_id, set()).add(pair.reviewer_id)
    ordered = sorted(candidates, key=lambda c: c.application_id)

    def fresh(needs: dict[UUID, int]) -> _Flow:
        return _Flow(ordered, reviewers, live_by_app, fixed_load, needs)

    probe = fresh(dict.fromkeys(ids, 0))
    needs = {
        a: max(0, min(k - len(live_by_app.get(a, ())), len(probe.may[a]))) for a in probe.order
    }
    if not reviewers:
        return Plan(new=(), short=tuple(sorted(a for a in ids if needs[a] < k)), loads={})
    # A reviewer who may review none of the applications keeps their live load: it bounds the
    # lowest load from above, and the others share the work (the highest load from below).
    reach = {rid: 0 for rid in reviewer_ids}
    for a in probe.order:
        if needs[a]:
            for rid in probe.may[a]:
                reach[rid] += 1
    useful = [rid for rid in reviewer_ids if reach[rid]] or reviewer_ids
    work = sum(needs.values()) + sum(fixed_load[rid] for rid in useful)
    total = sum(fixed_load.values()) + sum(needs.values())
    floor = min(total // len(reviewers), *(fixed_load[rid] + reach[rid] for rid in reviewer_ids))
    ceil = max(-(-work // len(useful)), floor)

    # The largest lower bound every reviewer can be filled to (if one can, any lower can).
    def filled_to(low: int) -> _Flow | None:
        flow = fresh(needs)
        flow.set_caps(low)
        flow.fill()
        return flow if all(flow.load[rid] >= low for rid in flow.reviewers) else None

    # Usually the even floor can be reached, and one fill is all it takes.
    at_floor = filled_to(floor)
    if at_floor is not None:
        low, high_low, flow = floor, floor, at_floor
    else:
        low, high_low = 0, floor - 1
        zero = filled_to(0)
        assert zero is not None
        flow = zero
    while low < high_low:
        middle = (low + high_low + 1) // 2
        candidate = filled_to(middle)
        if candidate is None:
            high_low = middle - 1
        else:
            low, flow = middle, candidate
    # The smallest upper bound that meets every need; raising caps keeps what was filled.
    high = ceil
    while True:
        flow.set_caps(high)
        flow.fill()
        if flow.unmet() == 0:
            break
        high += 1

    new = tuple(sorted(Pair(a, rid) for a in flow.order for rid in flow.new[a]))
    have = {a: len(live_by_app.get(a, ())) + len(flow.new[a]) for a in flow.order}
    short = tuple(a for a in flow.order if have[a] < k)
    return Plan(new=new, short=short, loads=dict(flow.load))
