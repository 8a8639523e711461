"""Term-frequency adjustment of an exact name agreement."""

from mpi.compare.levels import compare
from mpi.decide.frequency import name_frequencies
from mpi.decide.rules import load
from mpi.decide.score import decide
from mpi.normalise.patient import Facts, facts


def _patient(name: str, born: str) -> Facts:
    return facts({"name": [{"text": name}], "gender": "female", "birthDate": born})


def test_a_common_name_weighs_less_than_a_rare_one() -> None:
    index = [_patient("王秀英", f"19{40 + i}-01-01") for i in range(30)]
    index += [_patient("欧阳婧", "1980-02-02"), _patient("王傑", "1990-03-03")]
    freq = name_frequencies(index)
    assert freq.total == 32 and freq.counts["wangxiuying"] == 30
    rules = load()
    common = compare(index[0], _patient("王秀英", "1950-06-06"))
    rare = compare(index[30], _patient("欧阳婧", "1950-06-06"))
    assert common["name"] == rare["name"] == "exact"
    common_weight = decide(common, rules, (index[0], freq)).weights["name"]
    rare_weight = decide(rare, rules, (index[30], freq)).weights["name"]
    # log2(0.9 / (31/33)) < 0 < log2(0.9 / (2/33))
    assert common_weight < 0 < rare_weight
    assert decide(rare, rules).weights["name"] == rules.weight("name", "exact")


def test_newborn_placeholders_are_not_counted() -> None:
    newborn = _patient("刘永婷之子", "2024-09-05")
    assert newborn.newborn_placeholder
    assert name_frequencies([newborn, _patient("王杰", "1970-01-01")]).total == 1
