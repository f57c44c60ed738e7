"""Regenerates src/testdata/sklearn-splits.json: per-class counts of scikit-learn's two-step stratified split.

Needs scikit-learn: PYTHONPATH=/path/to/sklearn python3 scripts/make-sklearn-splits.py
Split sizes never depend on the random state; per-class counts only do when sklearn breaks ties between equal
remainders at random, so those cases set "counts" to null and list every outcome seen over 200 seeds instead.
"""
import json
import os

import numpy as np
from sklearn.model_selection import train_test_split


def split_counts(counts, val, test, seed):
    y = np.repeat(np.arange(len(counts)), counts)
    idx = np.arange(len(y))
    train_idx, rest_idx = train_test_split(idx, test_size=val + test, stratify=y, random_state=seed)
    val_idx, test_idx = train_test_split(rest_idx, test_size=test / (val + test), stratify=y[rest_idx], random_state=seed)
    return [np.bincount(y[part], minlength=len(counts)).tolist() for part in (train_idx, val_idx, test_idx)]


cases = []
for counts, val, test in [
    ([1496, 1494], 0.15, 0.15),
    ([50, 30, 20], 0.15, 0.15),
    ([101, 57, 13], 0.15, 0.15),
    ([1000, 10, 333, 47], 0.1, 0.2),
    ([34, 34, 35], 0.2, 0.2),
    ([700, 250, 50], 0.05, 0.25),
    ([9, 7, 5], 0.25, 0.25),
    ([123, 456, 789, 12, 345], 0.15, 0.15),
]:
    results = sorted({json.dumps(split_counts(counts, val, test, seed)) for seed in range(200)})
    sizes = [sum(part) for part in json.loads(results[0])]
    cases.append(dict(class_counts=counts, val=val, test=test, sizes=sizes,
                      counts=json.loads(results[0]) if len(results) == 1 else None,
                      possible_counts=[json.loads(r) for r in results]))

out = os.path.join(os.path.dirname(__file__), "../src/testdata/sklearn-splits.json")
with open(out, "w") as f:
    json.dump(dict(about="made by scripts/make-sklearn-splits.py with scikit-learn " + __import__("sklearn").__version__, cases=cases), f, indent=1)
print(len(cases), "cases")
