"""Normalisation of ID numbers, names, phones and addresses, with values worked out by hand."""

from datetime import date

from mpi.normalise import address, names, phones, resident_id


def test_check_digit_of_the_standard_example() -> None:
    # GB 11643 example: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 give 167, 167 % 11 = 2 -> X
    assert resident_id.check_digit("11010519491231002") == "X"


def test_fifteen_digit_number_upgrades_to_the_eighteen_digit_one() -> None:
    assert resident_id.upgrade("410225760507989") == "410225197605079898"
    parsed = resident_id.parse("410225760507989")
    assert parsed is not None and parsed.upgraded
    assert parsed.birth_date == date(1976, 5, 7) and parsed.sex == "male"


def test_parse_cleans_and_derives_birth_date_and_sex() -> None:
    parsed = resident_id.parse(" 110105-19491231-002x ")
    assert parsed is not None
    assert parsed.number == "11010519491231002X"
    assert (parsed.region, parsed.birth_date, parsed.sex) == (
        "110105",
        date(1949, 12, 31),
        "female",
    )


def test_full_width_digits_are_folded() -> None:
    parsed = resident_id.parse("４１０２２５１９７６０５０７９８９８")
    assert parsed is not None and parsed.number == "410225197605079898"


def test_typo_transposition_and_impossible_dates_are_rejected() -> None:
    assert resident_id.parse("410225197605079899") is None  # last digit changed
    assert resident_id.parse("410225197650079898") is None  # month/day transposed
    assert resident_id.parse("4102251976050798") is None  # too short


def test_number_cross_checked_against_the_record() -> None:
    parsed = resident_id.parse("410225197605079898")
    assert parsed is not None
    assert resident_id.consistent(parsed, "1976-05-07", "male")
    assert resident_id.consistent(parsed, None, None)
    assert not resident_id.consistent(parsed, "1976-07-05", "male")
    assert not resident_id.consistent(parsed, "1976-05-07", "female")


def test_names_fold_width_traditional_and_spaces() -> None:
    assert names.parse("王傑勝") == names.Name("王", "杰胜", False)
    assert names.parse("單 立") == names.Name("单", "立", False)
    assert names.fold("ＷＡＮＧ") == "WANG"


def test_compound_surnames_are_split_as_one_family_name() -> None:
    assert names.parse("欧阳娜娜") == names.Name("欧阳", "娜娜", False)
    assert names.parse("诸葛亮") == names.Name("诸葛", "亮", False)
    assert names.parse("欧阳") == names.Name("欧", "阳", False)  # too short to be family + given


def test_surnames_take_their_surname_reading() -> None:
    expected = {"单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao"}
    for surname, reading in expected.items():
        assert names.usual_spelling(names.Name(surname, "", False)) == reading


def test_heteronyms_give_every_reading_of_the_given_name() -> None:
    spelt = names.spellings(names.parse("王长乐"))
    assert {"wangchangle", "wangzhangyue", "wangchangyue"} <= spelt
    assert all(s.startswith("wang") for s in spelt)


def test_homophones_and_pinyin_written_names_meet() -> None:
    assert names.homophones(names.parse("张伟"), names.parse("章玮"))
    assert not names.homophones(names.parse("张伟"), names.parse("张娜"))
    written = names.parse("Zhang Wei", "Zhang", "Wei")
    assert written == names.Name("zhang", "wei", True)
    assert names.homophones(written, names.parse("张伟"))
    assert names.usual_spelling(names.parse("ＷＡＮＧ　Ｌｉ")) == "wangli"


def test_phones_mobile_landline_and_local() -> None:
    assert phones.parse("+86 135-0031-4187") == phones.Phone("13500314187", "mobile")
    assert phones.parse("0371-2345 6789") == phones.Phone("037123456789", "landline")
    assert phones.parse("2345678") == phones.Phone("03712345678", "landline")
    assert phones.parse("12345") is None


def test_address_levels_from_division_codes() -> None:
    assert address.levels("410225001201") == {
        "province": "41",
        "city": "4102",
        "county": "410225",
        "township": "410225001",
        "village": "410225001201",
    }
    assert address.levels("410225001000") == {
        "province": "41",
        "city": "4102",
        "county": "410225",
        "township": "410225001",
    }
    assert address.shared_level("410225001201", "410225001202") == "township"
    assert address.shared_level("410225001201", "410225102201") == "county"
    assert address.shared_level("410225001201", "110105") is None
    ext = {"url": address.DIVISION_URL, "valueCode": "410225001000"}
    assert address.division_code({"extension": [ext]}) == "410225001000"
    assert address.division_code({"text": "兰考县"}) is None
