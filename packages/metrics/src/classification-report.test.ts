import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classificationReport, formatReport, reportToSklearnDict } from './index.js';

interface ReferenceCase {
  y_true: number[];
  y_pred: number[];
  report_text: string;
  report_dict: Record<string, unknown>;
}
interface SklearnCase extends ReferenceCase {
  name: string;
  digits: number;
  target_names: string[] | null;
  num_classes: number | null;
}

const reference = JSON.parse(
  readFileSync(new URL('../../../fixtures/tiny-bert-reference.json', import.meta.url), 'utf8'),
) as {
  metrics_cases: ReferenceCase[];
  tutorial_tiny_cpu: { report_text: string; report: Record<string, unknown> };
};
const sklearn = JSON.parse(readFileSync(new URL('./testdata/sklearn-cases.json', import.meta.url), 'utf8')) as {
  reports: SklearnCase[];
};

describe('classificationReport against tiny-bert-reference.json metrics_cases', () => {
  it.each(reference.metrics_cases.map((c, i) => [i, c] as const))('case %i: text and dict', (_, c) => {
    const report = classificationReport(c.y_true, c.y_pred);
    expect(formatReport(report)).toBe(c.report_text);
    expect(reportToSklearnDict(report)).toEqual(c.report_dict);
  });

  it('reproduces the tutorial report (225 class-0 and 224 class-1 samples, all predicted 1)', () => {
    const yTrue = [...new Array<number>(225).fill(0), ...new Array<number>(224).fill(1)];
    const yPred = new Array<number>(449).fill(1);
    const report = classificationReport(yTrue, yPred);
    expect(formatReport(report)).toBe(reference.tutorial_tiny_cpu.report_text);
    expect(reportToSklearnDict(report)).toEqual(reference.tutorial_tiny_cpu.report);
  });
});

describe('classificationReport against scikit-learn 1.9 (src/testdata/sklearn-cases.json)', () => {
  it.each(sklearn.reports.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const options = c.target_names
      ? { labelNames: c.target_names }
      : c.num_classes
        ? { numClasses: c.num_classes }
        : {};
    const report = classificationReport(c.y_true, c.y_pred, options);
    expect(formatReport(report, { digits: c.digits })).toBe(c.report_text);
    expect(reportToSklearnDict(report)).toEqual(c.report_dict);
  });
});

describe('classificationReport options and validation', () => {
  it('names classes and counts every labelName', () => {
    const report = classificationReport([0, 1, 1], [0, 1, 0], { labelNames: ['negative', 'positive', 'neutral'] });
    expect(report.labels).toEqual(['negative', 'positive', 'neutral']);
    expect(report.perClass[2]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(report.total).toBe(3);
  });

  it('accepts typed arrays', () => {
    const report = classificationReport(new Int32Array([0, 1]), new Uint8Array([0, 1]));
    expect(report.accuracy).toBe(1);
  });

  it('rejects bad input with one-line MetricsErrors', () => {
    expect(() => classificationReport([0, 1], [0])).toThrow(
      expect.objectContaining({ code: 'METRICS_LENGTH_MISMATCH' }),
    );
    expect(() => classificationReport([], [])).toThrow(expect.objectContaining({ code: 'METRICS_EMPTY_INPUT' }));
    expect(() => classificationReport([0, 1.5], [0, 1])).toThrow(
      expect.objectContaining({ code: 'METRICS_BAD_LABEL' }),
    );
    expect(() => classificationReport([0, -1], [0, 1])).toThrow(expect.objectContaining({ code: 'METRICS_BAD_LABEL' }));
    expect(() => classificationReport([0, Number.NaN], [0, 1])).toThrow(/yTrue\[1\] is NaN/);
    expect(() => classificationReport([0, 2], [0, 1], { labelNames: ['a', 'b'] })).toThrow(
      expect.objectContaining({ code: 'METRICS_LABEL_OUT_OF_RANGE' }),
    );
    expect(() => classificationReport([0, 1], [0, 1], { labelNames: ['a', 'b'], numClasses: 3 })).toThrow(
      expect.objectContaining({ code: 'METRICS_BAD_OPTION' }),
    );
    expect(() => formatReport(classificationReport([0], [0]), { digits: -1 })).toThrow(
      expect.objectContaining({ code: 'METRICS_BAD_OPTION' }),
    );
  });
});
