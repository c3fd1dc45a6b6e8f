"""Domain errors: several refusals raised as one (``core.errors.refuse_all``)."""

import pytest

from ascn.core.errors import InvalidInput, refuse_all


@pytest.mark.db_independent
def test_refuse_all_raises_the_first_problem_carrying_every_one():
    first = InvalidInput("Give the name.", field="name")
    second = InvalidInput("A problem of the whole record.")
    with pytest.raises(InvalidInput) as raised:
        refuse_all([first, second])
    assert raised.value is first and raised.value.problems == [first, second]
    # nothing to refuse: nothing raised; a lone problem carries itself
    refuse_all([])
    assert InvalidInput("x").problems[0].message == "x"
