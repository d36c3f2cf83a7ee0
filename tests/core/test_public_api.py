"""The public door stays true: ``__all__`` names exist, and every problem code has a message."""

import verifier
from verifier import constants as C
from verifier.checks import CHECKS, describe
from verifier.messages import MESSAGES, problem_type


def test_all_names_exist():
    for name in verifier.__all__:
        assert hasattr(verifier, name), name


def test_every_problem_code_has_a_message():
    codes = {v for k, v in vars(C).items() if k.startswith("PROBLEM_") and k != "PROBLEM_TYPE_BASE"}
    assert codes == set(MESSAGES)
    for code in codes:
        assert problem_type(code).endswith(code)


def test_check_registry_lists_every_check_in_report_order():
    assert tuple(CHECKS) == C.CHECK_IDS
    assert [cid for cid, _ in describe()] == list(C.CHECK_IDS)
    for module in CHECKS.values():
        assert module.DESCRIPTION and callable(module.applies_to) and callable(module.run)
