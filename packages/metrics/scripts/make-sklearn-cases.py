"""Regenerates src/testdata/sklearn-cases.json (oracle values for the metrics tests).

Needs scikit-learn: PYTHONPATH=/path/to/sklearn python3 scripts/make-sklearn-cases.py
"""
import json
import os

import numpy as np
from sklearn.metrics import classification_report, confusion_matrix, roc_auc_score

rng = np.random.default_rng(7)
cases = []


def report_case(name, y_true, y_pred, digits=2, target_names=None, labels=None):
    kwargs = dict(digits=digits, zero_division=0)
    if labels is not None:
        kwargs["labels"] = labels
    if target_names is not None:
        kwargs["target_names"] = target_names
    text = classification_report(y_true, y_pred, **kwargs)
    as_dict = classification_report(y_true, y_pred, output_dict=True, **kwargs)
    cases.append(dict(name=name, y_true=list(map(int, y_true)), y_pred=list(map(int, y_pred)), digits=digits,
                      target_names=target_names, num_classes=None if labels is None else len(labels),
                      report_text=text, report_dict=as_dict))


ref = json.load(open(os.path.join(os.path.dirname(__file__), "../../../fixtures/tiny-bert-reference.json")))
first, second = ref["metrics_cases"][0], ref["metrics_cases"][1]
for digits in (0, 1, 3, 4, 10):
    report_case(f"binary digits={digits}", first["y_true"], first["y_pred"], digits=digits)
report_case("3-class digits=4", second["y_true"], second["y_pred"], digits=4)
report_case("long and non-ASCII names", second["y_true"], second["y_pred"],
            target_names=["négatif", "very positive sentiment", "😀"], labels=[0, 1, 2])
report_case("names shorter than 'weighted avg'", first["y_true"], first["y_pred"], target_names=["neg", "pos"], labels=[0, 1])
report_case("class absent from both (labels=range(4))", second["y_true"], second["y_pred"], labels=[0, 1, 2, 3])
report_case("union of present labels {0, 2}", [0, 2, 2, 0, 2], [2, 2, 0, 0, 2])
# precision 1/8 = 0.125, 3/8 = 0.375, 5/8 = 0.625: exact ties that Python rounds half to even
report_case("exact binary ties", [0] * 8 + [1] * 8 + [2] * 8,
            [0] + [1] * 7 + [1] * 3 + [2] * 5 + [2] * 5 + [0] * 3, digits=2)
report_case("exact ties digits=3", [0] * 16 + [1] * 16, [0] * 1 + [1] * 15 + [1] * 13 + [0] * 3, digits=3)
y = rng.integers(0, 12, 300); p = np.where(rng.random(300) < 0.5, y, rng.integers(0, 12, 300))
report_case("12 classes (numpy pairwise sums)", y, p, digits=4)
y = rng.integers(0, 140, 3000); p = np.where(rng.random(3000) < 0.6, y, rng.integers(0, 140, 3000))
report_case("140 classes (pairwise split above 128)", y, p, digits=5)

confusions = [dict(y_true=c["y_true"], y_pred=c["y_pred"], confusion=confusion_matrix(c["y_true"], c["y_pred"]).tolist())
              for c in cases[:1]]

auc = []
y = [0, 0, 1, 1, 0, 1, 1, 0]
s = [0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.9, 0.2]
auc.append(dict(name="binary with ties", y_true=y, probabilities=[v for x in s for v in (1 - x, x)], num_classes=2,
                auc=roc_auc_score(y, s)))
y = rng.integers(0, 3, 50).tolist()
logits = rng.normal(size=(50, 3)) + np.eye(3)[y] * 1.2
logits = np.round(logits, 1)  # coarse values make ties
probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
auc.append(dict(name="3-class one-vs-rest macro", y_true=y, probabilities=probs.ravel().tolist(), num_classes=3,
                auc=roc_auc_score(y, probs, multi_class="ovr", average="macro")))
y = rng.integers(0, 2, 400).tolist()
scores = np.round(rng.random(400) * 0.6 + np.array(y) * 0.3, 2)
auc.append(dict(name="binary, 400 samples, many ties", y_true=y, probabilities=[v for x in scores for v in (1 - x, x)],
                num_classes=2, auc=roc_auc_score(y, scores)))

out = os.path.join(os.path.dirname(__file__), "../src/testdata/sklearn-cases.json")
with open(out, "w") as f:
    json.dump(dict(about="made by scripts/make-sklearn-cases.py with scikit-learn " + __import__("sklearn").__version__,
                   reports=cases, confusions=confusions, roc_auc=auc), f)
print(out, len(cases), "report cases")
