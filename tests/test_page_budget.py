"""scripts/page_budget.py: what counts towards a page's one-sitting budget."""

from conftest import load_script

budget = load_script("page_budget")


def md(text):
    return {"cell_type": "markdown", "source": text}


def code(text, *tags):
    return {"cell_type": "code", "source": text, "metadata": {"tags": list(tags)}}


def test_words_count_prose_and_a_role_as_one_word():
    nb = {"cells": [md("PCA finds {term}`principal angles` of MNIST's data.")]}
    assert budget.count(nb) == (6, 0)  # PCA, finds, x, of, MNIST's, data


def test_visible_code_lines_only():
    nb = {
        "cells": [
            code("a = 1\n\nb = 2\n"),
            code("assert a\nassert b\n", "remove-cell"),
            code("set_up()\n", "remove-input"),
            code("print(a)\n", "remove-output"),
        ]
    }
    assert budget.count(nb) == (0, 3)


def test_solutions_are_excluded_prose_and_code():
    nb = {
        "cells": [
            md("One two."),
            md("```{solution-start} ex\n:class: dropdown\n```\nMany words here."),
            code("x = 1\ny = 2\n"),
            md("More words.\n```{solution-end}\n```"),
            md("Three four five."),
            code("z = 3\n"),
            md("```{solution} ex2\nHidden words\n```\nSix."),
        ]
    }
    assert budget.count(nb) == (6, 1)


def test_a_page_over_budget_is_a_problem_and_a_listed_page_may_not_grow():
    assert budget.problems({"02_x": (3500, 300)}) == []
    over = budget.problems({"02_x": (3501, 10)})
    assert len(over) == 1 and "3501 words" in over[0]
    name = next(iter(budget.NOT_YET_SPLIT))
    words, lines = budget.NOT_YET_SPLIT[name]
    assert budget.problems({name: (words, lines)}) == []
    assert budget.problems({name: (words, lines + 1)})  # it grew: fails


def test_a_listed_page_within_budget_must_leave_the_list():
    name = next(iter(budget.NOT_YET_SPLIT))
    found = budget.problems({name: (100, 10)})
    assert found == [f"{name} is within budget: remove it from NOT_YET_SPLIT"]


def test_the_book_is_within_its_budgets():
    import json

    sizes = {
        p.stem: budget.count(json.loads(p.read_text()))
        for p in sorted((budget.ROOT / "chapters").glob("*.ipynb"))
    }
    assert set(budget.NOT_YET_SPLIT) <= set(sizes)
    assert budget.problems(sizes) == []
