import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from klyngekart.members.validators import (
    is_valid_org_number,
    normalise_org_number,
    org_number_check_digit,
    validate_org_number,
)

bodies = st.integers(min_value=0, max_value=99_999_999).map(lambda n: f"{n:08d}")


@given(bodies)
def test_every_body_with_a_computable_check_digit_validates(body):
    check = org_number_check_digit(body)
    if check is None:
        # Remainder 1: no digit completes the number, so every candidate is rejected.
        assert not any(is_valid_org_number(f"{body}{d}") for d in range(10))
    else:
        assert is_valid_org_number(f"{body}{check}")
        validate_org_number(f"{body}{check}")


@given(bodies, st.integers(min_value=0, max_value=8), st.integers(min_value=1, max_value=9))
def test_any_single_digit_change_invalidates(body, position, delta):
    check = org_number_check_digit(body)
    if check is None:
        return
    number = f"{body}{check}"
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    # MOD11 with weights coprime to 11 catches every single-digit error.
    assert not is_valid_org_number(changed)


@given(bodies, st.lists(st.sampled_from([" ", "\u00a0", ".", "-"]), max_size=8), st.randoms())
def test_normalise_removes_the_separators_people_type(body, separators, rnd):
    check = org_number_check_digit(body)
    if check is None:
        return
    number = f"{body}{check}"
    chars = list(number)
    for sep in separators:
        chars.insert(rnd.randint(1, len(chars) - 1), sep)
    typed = "".join(chars)
    assert normalise_org_number(typed) == number
    assert normalise_org_number(f"NO {typed} MVA") == number
    assert normalise_org_number(f"  {number}  ") == number


def test_a_number_that_went_through_excel_as_a_float_is_recovered():
    assert normalise_org_number(912345602.0) == "912345602"
    assert normalise_org_number("912345602.0") == "912345602"


@pytest.mark.parametrize(
    ("value", "code"), [("12345678", "org_number_format"), ("912345603", "org_number_checksum")]
)
def test_the_validator_says_what_is_wrong(value, code):
    with pytest.raises(ValidationError) as caught:
        validate_org_number(value)
    assert caught.value.code == code
