"""Full-text tokens and the text-search expression grammar."""

from __future__ import annotations

import pytest

from fhir_server.errors import FhirError
from fhir_server.search.fulltext.documents import documents
from fhir_server.search.fulltext.expression import AllOf, AnyOf, Not, Term, parse
from fhir_server.search.fulltext.tokens import document_tokens, tokens


def test_cjk_runs_become_bigrams_latin_words_stay_words() -> None:
    assert tokens("原发性高血压 Essential Hypertension") == [
        "原发", "发性", "性高", "高血", "血压", "essential", "hypertension"]


def test_full_width_and_case_fold() -> None:
    assert tokens("ＨＢＡ１ｃ 升高") == ["hba1c", "升高"]


def test_private_numbers_left_out_of_documents() -> None:
    text = "身份证 410225199001011234 电话 13800138000 复诊 3 次"
    found = document_tokens(text)
    assert "410225199001011234" not in found and "13800138000" not in found
    assert "3" in found


def test_document_ends_with_the_last_character_of_each_run() -> None:
    assert document_tokens("血压高") == ["血压", "压高", "高"]


def test_protected_identifier_and_phone_not_in_content() -> None:
    resource = {"resourceType": "Patient",
                "identifier": [{"system": "urn:oid:2.16.156.10011.1.3",
                                "value": "41022519900101123X"}],
                "telecom": [{"system": "phone", "value": "0371-2233"}],
                "name": [{"text": "王秀英"}]}
    content = documents(resource)["_content"]
    assert "41022519900101123x" not in content and "0371" not in content
    assert "王秀" in content


@pytest.mark.parametrize(("value", "expected"), [
    ("高血压", Term(("高血", "血压"))),
    ("高血压 糖尿病", AllOf((Term(("高血", "血压")), Term(("糖尿", "尿病"))))),
    ("高血压 OR 糖尿病", AnyOf((Term(("高血", "血压")), Term(("糖尿", "尿病"))))),
    ("高血压,糖尿病", AnyOf((Term(("高血", "血压")), Term(("糖尿", "尿病"))))),
    ('"blood pressure" NOT 糖尿病',
     AllOf((Term(("blood", "pressure")), Not(Term(("糖尿", "尿病")))))),
    ("(a OR b) c", AllOf((AnyOf((Term(("a",)), Term(("b",)))), Term(("c",))))),
])
def test_expression(value: str, expected: object) -> None:
    assert parse(value) == expected


@pytest.mark.parametrize("value", ['"open', "(a", "a)", "OR", "，。"])
def test_bad_expression(value: str) -> None:
    with pytest.raises(FhirError) as error:
        parse(value)
    assert error.value.status == 400
