"""The Enhetsregisteret client against recorded answers served over real HTTP (conftest.brreg)."""

import datetime
import socket

import pytest
from django.core.exceptions import ValidationError

from klyngekart.members import register
from klyngekart.members.models import RegisterStatus


def test_an_active_company_is_read_into_our_facts(brreg):
    entry = register.lookup("912 345 653")

    assert brreg.requests == ["/enhetsregisteret/api/enheter/912345653"]
    assert entry.status == RegisterStatus.ACTIVE and not entry.warning
    assert entry.name == "Havbruksteknikk AS"
    assert entry.legal_form == "Aksjeselskap"
    assert entry.address == "Kaiveien 1, 6005 Ålesund"
    assert entry.nace_stated == "03.211 Akvakultur i hav"
    assert entry.facts() == {
        "name": "Havbruksteknikk AS",
        "nace_code": "03.211",
        "employees": 35,
        "municipality": "Ålesund",
        "region": "15",
        "website": "https://www.havbrukstek.no",
    }


def test_a_bankrupt_company_says_so_with_its_date(brreg):
    entry = register.lookup("912345661")

    assert entry.status == RegisterStatus.BANKRUPT
    assert entry.status_on == datetime.date(2026, 10, 2)
    assert entry.warning
    assert entry.facts()["municipality"] == "Bergen"
    assert entry.facts()["region"] == "46"


def test_a_deleted_company_answers_410_with_its_deletion_date_and_no_facts(brreg):
    entry = register.lookup("915678904")

    assert entry.status == RegisterStatus.DELETED and entry.is_deleted
    assert entry.status_on == datetime.date(2025, 6, 30)
    assert entry.facts() == {}


def test_an_unknown_number_is_not_found(brreg):
    with pytest.raises(register.RegisterNotFound):
        register.lookup("987654325")


def test_an_invalid_number_is_refused_before_any_request(brreg):
    with pytest.raises(ValidationError):
        register.lookup("912345654")  # wrong check digit
    with pytest.raises(ValidationError):
        register.lookup("1234")
    assert brreg.requests == []


def test_a_slow_register_is_unavailable_and_stays_so_for_a_minute(brreg):
    with pytest.raises(register.RegisterUnavailable):
        register.lookup(register.clean_org_number("923609016"))
    assert not register.available()

    # While it counts as down, a lookup answers at once instead of waiting for the timeout again.
    with pytest.raises(register.RegisterUnavailable):
        register.lookup("912345653")
    assert brreg.requests == ["/enhetsregisteret/api/enheter/923609016"]


def test_an_unreachable_register_is_unavailable(brreg, settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port once the socket is closed: the connection is refused.
    settings.KLYNGEKART_BRREG_URL = f"http://127.0.0.1:{port}/enhetsregisteret/api"

    with pytest.raises(register.RegisterUnavailable) as raised:
        register.lookup("912345653")
    assert "not answering" in str(raised.value)


def test_a_register_turned_off_is_never_asked(brreg, settings):
    settings.KLYNGEKART_BRREG_ENABLED = False

    with pytest.raises(register.RegisterUnavailable):
        register.lookup("912345653")
    assert brreg.requests == []


def test_answers_are_cached_for_the_confirm_step_unless_asked_afresh(brreg):
    register.lookup("912345653")
    register.lookup("912345653")
    assert len(brreg.requests) == 1
    assert register.cached("912345653") is not None

    register.lookup("912345653", fresh=True)
    assert len(brreg.requests) == 2


@pytest.mark.parametrize(
    ("registered", "shown"),
    [
        ("HAVBRUKSTEKNIKK AS", "Havbruksteknikk AS"),
        ("NORSK SJØMAT OG FISK ASA", "Norsk Sjømat og Fisk ASA"),
        ("SØR-VARANGER BYGG NUF", "Sør-Varanger Bygg NUF"),
        ("Allerede Fint AS", "Allerede Fint AS"),
    ],
)
def test_capitals_from_the_register_become_a_readable_name(registered, shown):
    assert register.tidy_name(registered) == shown
