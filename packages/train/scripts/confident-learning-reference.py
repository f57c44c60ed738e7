#!/usr/bin/env python3
"""Reference for senti's confidentLearning (packages/train/src/trust/confident-learning.ts), written in numpy step by
step after cleanlab 2.x's defaults: count.compute_confident_joint (calibrate=True), filter.find_label_issues
(filter_by='prune_by_noise_rate', min_examples_per_class=1, frac_noise=1.0) and rank.order_label_issues
(rank_by='normalized_margin'). cleanlab itself cannot be installed on the machines senti is built on, so this is an
independent implementation of the same published algorithm (Northcutt et al., JAIR 2021), not cleanlab's code.
Sorts use kind='stable' so that ties break by row order (numpy's default quicksort is stable only below 17 items).

    python3 packages/train/scripts/confident-learning-reference.py > packages/train/src/trust/confident-learning-reference.json
"""
import json

import numpy as np

SLACK = 1e-6  # cleanlab's FLOATING_POINT_COMPARISON
LOWEST_THRESHOLD = 2 * SLACK  # cleanlab's CONFIDENT_THRESHOLDS_LOWER_BOUND


def round_preserving_sum(values):
    ints = np.round(values)  # half to even
    target = np.round(values.sum())
    current = ints.sum()
    while abs(current - target) > 1e-6:
        diff = np.round(target - current)
        step = -1 if diff < 0 else 1
        changes = min(int(abs(diff)), len(values))
        order = np.argsort(values - ints, kind="stable")[::-step][:changes]
        for index in order:
            ints[index] += step
        current = ints.sum()
    return ints.astype(int)


def confident_learning(labels, probs):
    n, k = probs.shape
    counts = np.bincount(labels, minlength=k)
    big = 2 * probs.max()
    thresholds = np.array([probs[labels == j, j].mean() if counts[j] > 0 else big for j in range(k)])
    thresholds = np.clip(thresholds, LOWEST_THRESHOLD, None)

    confident = probs >= thresholds - SLACK
    bins = confident.sum(axis=1)
    guess = np.where(bins > 1, probs.argmax(axis=1), confident.argmax(axis=1))
    joint = np.zeros((k, k), dtype=int)
    for given, truth in zip(labels[bins > 0], guess[bins > 0]):
        joint[given, truth] += 1
    np.fill_diagonal(joint, joint.diagonal().clip(min=1))

    calibrated = (joint.T / joint.sum(axis=1) * counts).T
    calibrated = calibrated / calibrated.sum() * counts.sum()
    calibrated = np.array([round_preserving_sum(row) for row in calibrated])

    # _keep_at_least_n_per_class(calibrated.T, n=1): columns of the transposed matrix are given classes.
    prune = calibrated.T.astype(float)
    diagonal = np.diagonal(prune).copy()
    raised = np.maximum(diagonal, 1)
    per_column = np.maximum(np.count_nonzero(prune, axis=0) - 1.0, 1.0)
    prune = prune - (raised - diagonal) / per_column
    prune[prune < 0] = 0
    np.fill_diagonal(prune, raised)
    prune = prune.astype(int)

    mask = np.zeros(n, dtype=bool)
    for given in range(k):
        members = np.flatnonzero(labels == given)
        if len(members) <= 1:
            continue
        for truth in range(k):
            take = prune[truth, given]
            if truth == given or take <= 0:
                continue
            margin = probs[members, truth] - probs[members, given]
            mask[members[np.argsort(-margin, kind="stable")[:take]]] = True
    raised_given = probs.copy()
    raised_given[np.arange(n), labels] += SLACK
    mask[raised_given.argmax(axis=1) == labels] = False

    others = probs.copy()
    others[np.arange(n), labels] = -np.inf
    score = probs[np.arange(n), labels] - others.max(axis=1)  # normalized margin, before (x + 1) / 2
    issues = np.flatnonzero(mask)
    issues = issues[np.argsort(score[issues], kind="stable")]
    off_diagonal = calibrated.sum() - np.trace(calibrated)
    return {
        "thresholds": thresholds.tolist(),
        "confidentJoint": joint.tolist(),
        "calibratedJoint": calibrated.tolist(),
        "noiseRate": float(off_diagonal / n),
        "estimatedIssues": int(off_diagonal),
        "issues": issues.tolist(),
        "suggested": probs[issues].argmax(axis=1).tolist(),
    }


def noisy_case(name, rng, class_counts, flip_share, signal, flip_into=None):
    k = len(class_counts)
    truth = np.repeat(np.arange(k), class_counts)
    rng.shuffle(truth)
    labels = truth.copy()
    flips = rng.choice(np.flatnonzero(truth != k - 1) if flip_into is not None else len(labels), size=int(round(flip_share * len(labels))), replace=False)
    for row in flips:
        labels[row] = flip_into if flip_into is not None else rng.choice([j for j in range(k) if j != truth[row]])
    logits = signal * np.eye(k)[truth] + rng.normal(0.0, 1.0, size=(len(labels), k))
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs = np.round(probs / probs.sum(axis=1, keepdims=True), 6)  # decimals JSON carries exactly
    return {"name": name, "numClasses": k, "labels": labels.tolist(), "probabilities": probs.ravel().tolist(),
            "flipped": sorted(flips.tolist()), **confident_learning(labels, probs)}


def main():
    rng = np.random.default_rng(2021)
    cases = [
        noisy_case("three classes 120/80/40, 10% flipped", rng, [120, 80, 40], 0.10, 2.5),
        noisy_case("two classes 200/200, 5% flipped, weak signal", rng, [200, 200], 0.05, 1.5),
        noisy_case("four classes, the last with few rows", rng, [60, 50, 40, 1], 0.08, 3.0),
        # The last class has one row: cleanlab prunes nothing in a class of one (min_examples_per_class=1).
        noisy_case("three classes, the last with a single row", rng, [50, 49, 1], 0.06, 2.0, flip_into=0),
    ]
    about = ("made by packages/train/scripts/confident-learning-reference.py (numpy " + np.__version__ + "): "
             "cleanlab's default find_label_issues (prune_by_noise_rate) ranked by normalized margin, on fixed probabilities")
    print(json.dumps({"about": about, "cases": cases}))


if __name__ == "__main__":
    main()
