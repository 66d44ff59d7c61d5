"""Cost sharing of a joint measure: pure functions over Decimal, no database.

For a company with p participants out of P in total, with fixed cost F, cost per participant v
and public funding share s of the fixed cost:

    shared = F * (1 - s) * p / P + v * p
    alone  = F + v * p          (a company buying the same measure on its own gets no funding)
    saving = alone - shared

Nothing is rounded here. A company's part of F * (1 - s) is kept as an exact fraction (a third
of a krone has no finite decimal), so the rows add up to the total exactly; ``shared`` gives it as
a Decimal to 50 significant digits, and only display rounds to whole kroner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Context, Decimal
from fractions import Fraction

ZERO = Decimal("0")
# Precision for showing an exact fraction as a Decimal: far below an øre for any real amount.
CONTEXT = Context(prec=50)
SME_SIZE_CLASSES = frozenset({"micro", "small", "medium"})


@dataclass(frozen=True)
class Participant:
    key: str
    participants: int
    size_class: str = ""

    @property
    def is_sme(self) -> bool:
        return self.size_class in SME_SIZE_CLASSES


@dataclass(frozen=True)
class CostRow:
    key: str
    participants: int
    is_sme: bool
    shared_exact: Fraction
    alone: Decimal

    @property
    def shared(self) -> Decimal:
        return to_decimal(self.shared_exact)

    @property
    def saving_exact(self) -> Fraction:
        return Fraction(self.alone) - self.shared_exact

    @property
    def saving(self) -> Decimal:
        return to_decimal(self.saving_exact)


@dataclass(frozen=True)
class CostTable:
    rows: list[CostRow]
    participants: int
    shared: Decimal
    alone: Decimal
    saving: Decimal
    sme_companies: int
    sme_saving: Decimal
    funded: Decimal  # the part of the fixed cost that public funding pays


def to_decimal(value: Fraction) -> Decimal:
    """An exact fraction as a Decimal: exact when it terminates, else to CONTEXT's precision."""
    return CONTEXT.divide(Decimal(value.numerator), Decimal(value.denominator))


def cost_table(
    *, fixed_cost: Decimal, per_participant: Decimal, funding_share: Decimal, companies: Sequence[Participant]
) -> CostTable:
    if fixed_cost < 0 or per_participant < 0:
        raise ValueError("Costs cannot be negative.")
    if not ZERO <= funding_share <= 1:
        raise ValueError("The funding share must be between 0 and 1.")
    if any(c.participants < 1 for c in companies):
        raise ValueError("Every company needs at least one participant.")
    total = sum(c.participants for c in companies)
    to_share = Fraction(fixed_cost) * (1 - Fraction(funding_share))
    rows = []
    for company in companies:
        variable = per_participant * company.participants
        rows.append(
            CostRow(
                key=company.key,
                participants=company.participants,
                is_sme=company.is_sme,
                shared_exact=to_share * company.participants / total + Fraction(variable),
                alone=fixed_cost + variable,
            )
        )
    # The rows add up to F * (1 - s) + v * P, which has a finite decimal: the totals are exact.
    shared = to_decimal(sum((r.shared_exact for r in rows), Fraction(0)))
    alone = sum((r.alone for r in rows), ZERO)
    sme_rows = [r for r in rows if r.is_sme]
    return CostTable(
        rows=rows,
        participants=total,
        shared=shared,
        alone=alone,
        saving=alone - shared,
        sme_companies=len(sme_rows),
        sme_saving=to_decimal(sum((r.saving_exact for r in sme_rows), Fraction(0))),
        funded=fixed_cost * funding_share if companies else ZERO,
    )


def with_one_more(
    *,
    fixed_cost: Decimal,
    per_participant: Decimal,
    funding_share: Decimal,
    companies: Sequence[Participant],
    participants: int,
) -> CostTable:
    """The table if one more company joined with ``participants`` people (its row comes last)."""
    newcomer = Participant(key="", participants=participants)
    return cost_table(
        fixed_cost=fixed_cost,
        per_participant=per_participant,
        funding_share=funding_share,
        companies=[*companies, newcomer],
    )
