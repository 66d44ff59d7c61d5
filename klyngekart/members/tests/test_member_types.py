"""The four member types of cluster statistics, from the NACE code (Rev. 2.1) and the size class."""

from __future__ import annotations

import pytest

from klyngekart.members.member_types import LARGE, PUBLIC, RESEARCH, SME, member_type


@pytest.mark.parametrize(
    ("section", "code", "size", "expected"),
    [
        ("P", "84.110", "large", PUBLIC),  # a municipality, whatever its size
        ("Q", "85.401", "large", RESEARCH),  # a university
        ("N", "72.100", "small", RESEARCH),  # a research institute
        ("C", "10.200", "large", LARGE),
        ("C", "10.200", "medium", SME),
        ("K", "62.100", "micro", SME),
        ("K", "62.100", "", ""),  # size not known: no type yet
    ],
)
def test_member_type(section, code, size, expected):
    assert member_type(section, code, size) == expected
