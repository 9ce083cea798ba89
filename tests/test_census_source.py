"""The Census-Income data source (`seesaw.data.census_source`): each task group's arrays, read
from raw-format rows (no real data), subsampled to the requested sizes."""

import numpy as np
from census_rows import write_census_files

from seesaw.data.census_source import FILE_FEATURES, CensusDataConfig, census_sources


def test_subsamples_are_the_requested_sizes(tmp_path):
    write_census_files(tmp_path, num_train=120, num_test=60)
    data = CensusDataConfig(path=str(tmp_path), train_rows=50, eval_rows=20)
    arrays = {g: source.arrays for g, source in census_sources(data, (1, 2)).items()}
    for group in (1, 2):
        assert arrays[group].x_train.shape == (50, arrays[1].x_train.shape[1])
        assert arrays[group].mask_val.sum(0).tolist() == [20, 20]
    # Both groups read the same inputs; their first task differs.
    np.testing.assert_array_equal(arrays[1].x_train, arrays[2].x_train)
    assert not np.array_equal(arrays[1].y_train[:, 0], arrays[2].y_train[:, 0])


def test_rows_of_a_full_run_are_capped_by_the_files():
    rows = CensusDataConfig(train_rows=50, eval_rows=10**9).rows()
    assert rows == {"train": 50, "val": 49_881, "test": 49_881}
    assert CensusDataConfig().input_dim == FILE_FEATURES
