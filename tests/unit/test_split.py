"""The harvest-first helper's arithmetic: a split never hands out more than was harvested, and a
share weighing more (a higher standard price) never gets less."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from amap.distributions.split import ShareCount, format_quantity, split_harvest, step_for

STEPS = [Decimal("0.05"), Decimal(1), Decimal(10)]
harvests = st.decimals(min_value=0, max_value=100_000, places=3, allow_nan=False, allow_infinity=False)
counts = st.lists(
    st.builds(ShareCount, key=st.integers(1, 10_000), shares=st.integers(0, 300), weight_cents=st.integers(1, 100_000)),
    min_size=1, max_size=5, unique_by=lambda count: count.key)


def test_sixty_kilos_of_carrots_go_twenty_to_twelve_between_full_and_half_shares():
    # 40 full shares at 20 € and 20 half shares at 12 €: a full share gets 20/12 of a half's amount.
    split = split_harvest(Decimal(60), [ShareCount(1, 40, 2000), ShareCount(2, 20, 1200)], step_for("kg"))
    # One full share: 60 × 2000 / (40 × 2000 + 20 × 1200) = 1.1538… kg, rounded down to 1.15 kg.
    assert split.per_share == {1: Decimal("1.15"), 2: Decimal("0.65")}
    assert split.used == Decimal("59.00") and split.left_over == Decimal("1.00")


def test_pieces_are_proposed_whole():
    split = split_harvest(Decimal(60), [ShareCount(1, 50, 2000), ShareCount(2, 10, 1200)], step_for("pièce"))
    assert split.per_share == {1: Decimal(1), 2: Decimal(0)}
    assert split.left_over == Decimal(10)  # the farmer sees it and decides


def test_units_choose_a_sensible_precision():
    assert step_for("kg") == Decimal("0.05") and step_for(" Pièces ") == Decimal(1)
    assert step_for("pc.") == Decimal(1) and step_for("botte") == Decimal(1) and step_for("g") == Decimal(10)
    assert step_for("l") == Decimal("0.05")


def test_nobody_due_gets_nothing_proposed():
    split = split_harvest(Decimal(12), [ShareCount(1, 0, 2000)], Decimal(1))
    assert split.per_share == {1: Decimal(0)} and split.left_over == Decimal(12)


def test_quantities_go_back_into_the_form_without_trailing_zeros():
    assert format_quantity(Decimal("1.50")) == "1.5" and format_quantity(Decimal("100")) == "100"
    assert format_quantity(Decimal(0)) == "0"


@given(harvest=harvests, counts=counts, step=st.sampled_from(STEPS))
def test_the_proposal_never_exceeds_the_harvest(harvest, counts, step):
    split = split_harvest(harvest, counts, step)
    assert split.used == sum(split.per_share[c.key] * c.shares for c in counts)
    assert split.used <= harvest and split.left_over == harvest - split.used
    assert all(quantity >= 0 and quantity % step == 0 for quantity in split.per_share.values())


@given(harvest=harvests, counts=counts, step=st.sampled_from(STEPS))
def test_rounding_loses_less_than_one_step_per_share(harvest, counts, step):
    split = split_harvest(harvest, counts, step)
    due = sum(c.shares for c in counts)
    if due:
        assert split.left_over < step * due


@given(harvest=harvests, counts=counts, step=st.sampled_from(STEPS))
def test_weights_are_respected(harvest, counts, step):
    split = split_harvest(harvest, counts, step)
    for a in counts:
        for b in counts:
            qa, qb = split.per_share[a.key], split.per_share[b.key]
            if a.weight_cents >= b.weight_cents:
                assert qa >= qb  # a share worth more never gets less
            # Exact proportions up to the rounding: |qa × wb − qb × wa| < step × max(wa, wb).
            assert abs(qa * b.weight_cents - qb * a.weight_cents) < step * max(a.weight_cents, b.weight_cents)
