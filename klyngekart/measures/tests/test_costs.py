from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from klyngekart.measures.costs import Participant, cost_table, with_one_more

money = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False)
share = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False)
companies = st.lists(
    st.builds(
        Participant,
        key=st.text(min_size=1, max_size=4),
        participants=st.integers(min_value=1, max_value=200),
        size_class=st.sampled_from(["micro", "small", "medium", "large", ""]),
    ),
    min_size=1,
    max_size=12,
)


def test_the_formula_on_a_worked_example() -> None:
    table = cost_table(
        fixed_cost=Decimal("100000"),
        per_participant=Decimal("2000"),
        funding_share=Decimal("0.4"),
        companies=[Participant("a", 3, "small"), Participant("b", 1, "large")],
    )
    a, b = table.rows
    # F * (1 - s) = 60 000, split 3:1; plus 2 000 per participant.
    assert a.shared == Decimal("51000") and a.alone == Decimal("106000") and a.saving == Decimal("55000")
    assert b.shared == Decimal("17000") and b.alone == Decimal("102000")
    assert table.shared == Decimal("68000") and table.saving == Decimal("140000")
    assert table.sme_companies == 1 and table.sme_saving == Decimal("55000")
    assert table.funded == Decimal("40000")


def test_a_third_is_kept_exactly() -> None:
    table = cost_table(
        fixed_cost=Decimal("100"),
        per_participant=Decimal("0"),
        funding_share=Decimal("0"),
        companies=[Participant(str(i), 1) for i in range(3)],
    )
    assert sum((r.shared_exact for r in table.rows), Fraction(0)) == 100
    assert table.shared == Decimal("100")


@pytest.mark.parametrize(
    ("fixed", "variable", "s", "p"),
    [
        ("-1", "0", "0", 1),
        ("0", "-5", "0", 1),
        ("0", "0", "1.01", 1),
        ("0", "0", "-0.1", 1),
        ("1", "1", "0", 0),
    ],
)
def test_bad_input_is_refused(fixed: str, variable: str, s: str, p: int) -> None:
    with pytest.raises(ValueError):
        cost_table(
            fixed_cost=Decimal(fixed),
            per_participant=Decimal(variable),
            funding_share=Decimal(s),
            companies=[Participant("a", p)],
        )


@given(fixed=money, variable=money, s=share, members=companies)
def test_shared_never_exceeds_alone_and_rows_add_up(fixed, variable, s, members) -> None:
    table = cost_table(fixed_cost=fixed, per_participant=variable, funding_share=s, companies=members)
    for row in table.rows:
        assert row.shared_exact <= Fraction(row.alone)
        assert row.saving >= 0
    total_p = sum(m.participants for m in members)
    expected = Fraction(fixed) * (1 - Fraction(s)) + Fraction(variable) * total_p
    assert sum((r.shared_exact for r in table.rows), Fraction(0)) == expected
    assert Fraction(table.shared) == expected


@given(fixed=money, variable=money, s=share, members=companies, extra=st.integers(min_value=1, max_value=200))
def test_one_more_company_never_raises_anyones_cost(fixed, variable, s, members, extra) -> None:
    before = cost_table(fixed_cost=fixed, per_participant=variable, funding_share=s, companies=members)
    after = with_one_more(
        fixed_cost=fixed, per_participant=variable, funding_share=s, companies=members, participants=extra
    )
    assert len(after.rows) == len(before.rows) + 1
    for old, new in zip(before.rows, after.rows, strict=False):
        assert new.shared_exact <= old.shared_exact
