"""Census-Income rows for the tests. In UCI's raw format: one made-up person (`BASE`), rows that
override a few of its fields (`line`), and `write_census_files`, a few hundred seeded rows whose
labels the other inputs predict, so that a tiny experiment has something to learn. As results:
`auc_scores`, per-run AUCs with known means for the analysis tests."""

import numpy as np
import pandas as pd

from seesaw.data.census import COLUMNS

# One made-up person; each fixture row overrides a few fields.
BASE = {
    "age": "40",
    "class_of_worker": "Private",
    "detailed_industry_recode": "33",
    "detailed_occupation_recode": "19",
    "education": "High school graduate",
    "wage_per_hour": "0",
    "enroll_in_edu_inst_last_wk": "Not in universe",
    "marital_stat": "Married-civilian spouse present",
    "major_industry_code": "Retail trade",
    "major_occupation_code": "Sales",
    "race": "White",
    "hispanic_origin": "All other",
    "sex": "Female",
    "member_of_a_labor_union": "No",
    "reason_for_unemployment": "Not in universe",
    "full_or_part_time_employment_stat": "Full-time schedules",
    "capital_gains": "0",
    "capital_losses": "0",
    "dividends_from_stocks": "0",
    "tax_filer_stat": "Joint both under 65",
    "region_of_previous_residence": "Not in universe",
    "state_of_previous_residence": "Not in universe",
    "detailed_household_and_family_stat": "Householder",
    "detailed_household_summary_in_household": "Householder",
    "instance_weight": "1000.5",
    "migration_code_change_in_msa": "Nonmover",
    "migration_code_change_in_reg": "Nonmover",
    "migration_code_move_within_reg": "Nonmover",
    "live_in_this_house_1_year_ago": "Yes",
    "migration_prev_res_in_sunbelt": "Not in universe",
    "num_persons_worked_for_employer": "4",
    "family_members_under_18": "Not in universe",
    "country_of_birth_father": "United-States",
    "country_of_birth_mother": "United-States",
    "country_of_birth_self": "United-States",
    "citizenship": "Native- Born in the United States",
    "own_business_or_self_employed": "0",
    "fill_inc_questionnaire_for_veterans_admin": "Not in universe",
    "veterans_benefits": "2",
    "weeks_worked_in_year": "52",
    "year": "95",
    "income_50k": "- 50000.",
}


def line(overrides: dict[str, str]) -> str:
    row = {**BASE, **overrides}
    return ", ".join(row[c] for c in COLUMNS)


def _person(rng: np.random.Generator) -> dict[str, str]:
    """One row: the young are mostly never married (and file as single), professionals mostly
    hold a degree, and degree holders who work all year mostly earn 50000+."""
    age = int(rng.integers(18, 80))
    never_married = rng.random() < (0.8 if age < 30 else 0.15)
    professional = rng.random() < 0.35
    degree = rng.random() < (0.8 if professional else 0.1)
    weeks = int(rng.choice([0, 26, 52]))
    rich = rng.random() < (0.6 if degree and weeks == 52 else 0.05)
    return {
        "age": str(age),
        "marital_stat": "Never married" if never_married else BASE["marital_stat"],
        "tax_filer_stat": "Single" if never_married else BASE["tax_filer_stat"],
        "major_occupation_code": "Professional specialty" if professional else "Sales",
        "education": "Bachelors degree(BA AB BS)" if degree else BASE["education"],
        "weeks_worked_in_year": str(weeks),
        "income_50k": "50000+." if rich else BASE["income_50k"],
    }


def write_census_files(folder, num_train: int = 400, num_test: int = 200, seed: int = 0):
    """Writes census-income.data and census-income.test of seeded rows into `folder`."""
    rng = np.random.default_rng(seed)
    for name, rows in (("census-income.data", num_train), ("census-income.test", num_test)):
        lines = [line(_person(rng)) + "\n" for _ in range(rows)]
        (folder / name).write_text("".join(lines))
    return folder


def auc_scores(means: dict[str, tuple[float, float]], groups=(1, 2), runs=8) -> pd.DataFrame:
    """A `census_scores` table: each run's AUC per task, model -> (main, aux) mean, plus a noise
    shared by the runs of the same index (paired) and a tiny noise of each model's own."""
    rng = np.random.default_rng(0)
    shared = rng.normal(0, 0.002, size=(runs, 2))
    rows = [
        {
            "model": model,
            "grid": group,
            "omega": 0.5,
            "main": True,
            "run": run,
            "diverged": False,
            "task": task,
            "metric": "auc",
            "value": mean[task] + shared[run, task] + rng.normal(0, 1e-4),
        }
        for model, mean in means.items()
        for group in groups
        for run in range(runs)
        for task in (0, 1)
    ]
    return pd.DataFrame(rows)
