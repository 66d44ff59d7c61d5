from django.utils import translation

from klyngekart.taxonomy.nace import divisions, lookup_nace, section_choices, sections


def test_every_section_and_division_has_a_norwegian_name():
    missing = [c.code for c in [*sections(), *divisions()] if not c.name_nb]
    assert len(sections()) == 22
    assert len(divisions()) == 87
    assert missing == []


def test_a_code_takes_the_name_of_the_active_language():
    code = lookup_nace("62")
    assert code is not None
    with translation.override("nb"):
        assert code.name.startswith("Programmering")
    with translation.override("en"):
        assert code.name == "Computer programming, consultancy and related activities"


def test_section_choices_are_sorted_and_take_an_optional_blank():
    with translation.override("nb"):
        choices = section_choices(blank_label="All")
    assert choices[0] == ("", "All")
    assert choices[1] == ("A", "A Jordbruk, skogbruk og fiske")
    assert [code for code, _label in choices[1:]] == sorted(code for code, _label in choices[1:])


def test_codes_are_found_however_they_are_written():
    for written in ("62100", "62.100", " 62.100 "):
        found = lookup_nace(written)
        assert found is not None
        assert found.code == "62.100"
        assert found.section == "K"
    assert lookup_nace("99.999") is None
