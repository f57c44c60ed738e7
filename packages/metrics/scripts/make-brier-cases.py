"""Regenerates src/testdata/brier-cases.json (oracle values for brierScore and multiclassBrier).

Uses scikit-learn's brier_score_loss where the installed version takes the input (Debian: apt-get install
python3-sklearn, 1.2 at the time, binary only; 1.7+ also takes a probability matrix), and the numpy formula otherwise;
each case records which made its number: /usr/bin/python3 scripts/make-brier-cases.py

- brier (sklearn brier_score_loss, scale_by_half='auto'): two classes, mean of (p[:, 1] - (y == 1))^2; three or
  more, mean over rows of the sum over classes of (p - onehot)^2
- multiclass_brier: mean over rows of the sum over classes of (p - onehot)^2, for every number of classes
"""
import json
import os

import numpy as np

try:
    import sklearn
    from sklearn.metrics import brier_score_loss
except ImportError:  # the numpy formulas below still give every number
    sklearn = None

rng = np.random.default_rng(23)
cases = []


def multiclass(probs, y):
    return float(((probs - np.eye(probs.shape[1])[y]) ** 2).sum(1).mean())


def case(name, probs, y):
    probs = np.asarray(probs, dtype=np.float64)
    y = np.asarray(y)
    k = probs.shape[1]
    formula = float(((probs[:, 1] - (y == 1)) ** 2).mean()) if k == 2 else multiclass(probs, y)
    oracle, brier = "numpy formula", formula
    if sklearn is not None:
        try:
            brier = float(brier_score_loss(y, probs[:, 1]) if k == 2 else brier_score_loss(y, probs, labels=list(range(k))))
            oracle = f"sklearn {sklearn.__version__} brier_score_loss"
            assert abs(brier - formula) < 1e-12, (name, brier, formula)
        except (TypeError, ValueError):  # sklearn before 1.7 takes only the positive class's probabilities
            pass
    cases.append(dict(name=name, num_classes=k, y_true=y.tolist(), probabilities=probs.ravel().tolist(),
                      brier=brier, brier_oracle=oracle, multiclass_brier=multiclass(probs, y)))


y = rng.integers(0, 2, 200)
p1 = np.clip(np.where(y == 1, 0.7, 0.3) + rng.normal(0, 0.25, 200), 0, 1)
case("binary, noisy", np.stack([1 - p1, p1], 1), y)
case("binary, confident and wrong", [[0.99, 0.01], [0.02, 0.98], [0.5, 0.5], [1.0, 0.0]], [1, 0, 1, 0])
# Label 1 absent: sklearn still takes class 1 as the positive one for labels in {0, 1}.
case("binary, one class only", [[0.8, 0.2], [0.6, 0.4], [0.9, 0.1]], [0, 0, 0])
for k in (3, 5):
    y = rng.integers(0, k, 120)
    logits = rng.normal(size=(120, k)) + np.eye(k)[y] * 1.5
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    case(f"{k} classes", probs, y)

out = os.path.join(os.path.dirname(__file__), "../src/testdata/brier-cases.json")
with open(out, "w") as f:
    about = f"made by scripts/make-brier-cases.py with numpy {np.__version__}" + (f", scikit-learn {sklearn.__version__}" if sklearn else "")
    json.dump(dict(about=about, cases=cases), f)
print(out, [(c["name"], c["brier_oracle"], round(c["brier"], 6), round(c["multiclass_brier"], 6)) for c in cases])
