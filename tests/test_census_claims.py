"""The papers' statements about Census-Income as pre-registered rules
(`seesaw.papers.census`): which claims each statement makes, and how their verdicts
decide it."""

import pandas as pd
from census_rows import auc_scores

from seesaw.papers import census as census_claims
from seesaw.papers.census import ALMOST_ALWAYS, statement_verdicts

ROLES = {"single_task": "single", "shared_bottom": "sb", "mmoe": "mmoe", "ple": "ple"}


def test_the_papers_statements_hold_on_data_made_to_hold_them():
    scores = auc_scores(
        {"single": (0.93, 0.999), "sb": (0.92, 0.97), "mmoe": (0.95, 0.99), "ple": (0.96, 0.98)}
    )
    decided, statements = census_claims.census_claims(scores, ROLES)
    verdict = statements.set_index("key")["verdict"]
    counts = statements.set_index("key")["claims"]
    # 2 other multi-task models x 2 groups x 2 tasks; 3 others x 2 tasks; 3 x 2 groups; 2 x 2.
    assert counts.to_dict() == {
        "shared_bottom_worst": 8,
        "mmoe_best_group2": 6,
        "single_task_best_aux": 6,
        "ple_mmoe_single": 4,
    }
    assert verdict["shared_bottom_worst"] == "supported"
    assert verdict["single_task_best_aux"] == "supported"
    # PLE beats MMoE on the main task: "MMoE best in group 2" is contradicted there.
    assert verdict["mmoe_best_group2"] == "contradicted"
    # PLE is below MMoE on never married: the ordering does not hold on both tasks.
    assert verdict["ple_mmoe_single"] == "contradicted"
    assert len(set(decided["claim"])) == len(decided)  # one family, distinct claims


def test_statement_rules_and_missing_models():
    def table(key, verdicts):
        return pd.DataFrame({"statement": key, "verdict": verdicts})

    def verdict(key, verdicts):
        return statement_verdicts(table(key, verdicts)).set_index("key").loc[key, "verdict"]

    assert verdict("mmoe_best_group2", ["difference"] * 3) == "supported"
    assert verdict("mmoe_best_group2", ["difference", "underpowered"]) == "not resolved"
    assert verdict("mmoe_best_group2", ["difference", "contradicted"]) == "contradicted"
    almost = "shared_bottom_worst"
    assert ALMOST_ALWAYS == 0.75
    assert verdict(almost, ["difference"] * 3 + ["contradicted"]) == "supported"
    assert verdict(almost, ["difference"] * 2 + ["absent"] * 2) == "not resolved"
    assert verdict(almost, ["difference"] * 2 + ["contradicted"] * 2) == "contradicted"
    # Without a PLE model (and in group 1 only) two statements are not tested.
    scores = auc_scores({"single": (0.9, 0.9), "sb": (0.9, 0.9), "mmoe": (0.9, 0.9)}, groups=(1,))
    roles = {k: v for k, v in ROLES.items() if k != "ple"}
    _, statements = census_claims.census_claims(scores, roles)
    untested = statements.loc[statements["verdict"] == "not tested", "key"].tolist()
    assert untested == ["mmoe_best_group2", "ple_mmoe_single"]
