"""Regenerates src/testdata/calibration-cases.json (oracle values for the calibration and abstention tests).

Needs numpy and scipy (Debian: apt-get install python3-numpy python3-scipy): python3 scripts/make-calibration-cases.py

- temperature: T minimising the mean NLL of softmax(logits / T), found by scipy.optimize.minimize_scalar over log T
  (bounded to [0.01, 100], as senti's fitTemperature)
- ECE: 15 equal-width bins (i/15, (i+1)/15] of the top probability (0 in the first bin), sum_b n_b/n |acc_b - conf_b|
- Brier: mean over rows of sum over classes (p_k - onehot_k)^2
"""
import json
import os

import numpy as np
import scipy
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax

rng = np.random.default_rng(11)
BINS = 15


def nll(logits, y, t):
    return float(-log_softmax(logits / t, axis=1)[np.arange(len(y)), y].mean())


def fit_temperature(logits, y):
    res = minimize_scalar(lambda log_t: nll(logits, y, np.exp(log_t)), bounds=(np.log(0.01), np.log(100)),
                          method="bounded", options=dict(xatol=1e-12, maxiter=1000))
    return float(np.exp(res.x))


def ece(probs, y, bins=BINS):
    conf = probs.max(1)
    pred = probs.argmax(1)
    total = 0.0
    out = []
    for i in range(bins):
        lower, upper = i / bins, (i + 1) / bins
        mask = (conf > lower) & (conf <= upper)
        if i == 0:
            mask |= conf == 0
        n = int(mask.sum())
        if n:
            acc = float((pred[mask] == y[mask]).mean())
            c = float(conf[mask].mean())
            total += n / len(y) * abs(acc - c)
            out.append(dict(count=n, accuracy=acc, confidence=c))
        else:
            out.append(dict(count=0, accuracy=None, confidence=None))
    return total, out


def brier(probs, y):
    onehot = np.eye(probs.shape[1])[y]
    return float(((probs - onehot) ** 2).sum(1).mean())


cases = []


def case(name, logits, y):
    logits = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y)
    t = fit_temperature(logits, y)
    before = softmax(logits, axis=1)
    after = softmax(logits / t, axis=1)
    ece_before, bins_before = ece(before, y)
    ece_after, _ = ece(after, y)
    cases.append(dict(name=name, num_classes=int(logits.shape[1]), y_true=y.tolist(), logits=logits.ravel().tolist(),
                      temperature=t, nll_before=nll(logits, y, 1.0), nll_after=nll(logits, y, t),
                      probabilities_before=before.ravel().tolist(), ece_before=ece_before, bins_before=bins_before,
                      ece_after=ece_after, brier_before=brier(before, y), brier_after=brier(after, y)))


# Overconfident binary model: logits scaled up, 20% of labels disagree with the sign -> T > 1.
y = rng.integers(0, 2, 300)
signal = np.where(rng.random(300) < 0.8, y, 1 - y)
z = (signal * 2 - 1) * rng.uniform(0.5, 3, 300) * 4
case("binary overconfident", np.stack([-z / 2, z / 2], 1), y)
# Underconfident 3-class model: small logits that mostly point the right way -> T < 1.
y = rng.integers(0, 3, 200)
logits = rng.normal(size=(200, 3)) * 0.3 + np.eye(3)[y] * 0.8
case("3-class underconfident", logits, y)
# 4 classes, log-softmax outputs as the head gives them (a per-row shift of the logits).
y = rng.integers(0, 4, 250)
logits = rng.normal(size=(250, 4)) * 1.5 + np.eye(4)[y] * 2.0
case("4-class log-probabilities", log_softmax(logits, axis=1), y)

# ECE with confidences exactly on bin boundaries (12/15 = 0.8, 3/15 = 0.2 with two classes of 5 classes...).
boundary = dict(name="confidences on bin boundaries", num_classes=2, y_true=[0, 1, 0, 1, 1, 0],
                probabilities=[0.8, 0.2, 0.8, 0.2, 0.6, 0.4, 0.4, 0.6, 0.5, 0.5, 1.0, 0.0])
probs = np.array(boundary["probabilities"]).reshape(-1, 2)
boundary["ece"], boundary["bins"] = ece(probs, np.array(boundary["y_true"]))
boundary["brier"] = brier(probs, np.array(boundary["y_true"]))

out = os.path.join(os.path.dirname(__file__), "../src/testdata/calibration-cases.json")
with open(out, "w") as f:
    json.dump(dict(about=f"made by scripts/make-calibration-cases.py with numpy {np.__version__}, scipy {scipy.__version__}",
                   bins=BINS, cases=cases, ece_cases=[boundary]), f)
print(out, [(c["name"], round(c["temperature"], 6), round(c["ece_before"], 4), round(c["ece_after"], 4)) for c in cases])
