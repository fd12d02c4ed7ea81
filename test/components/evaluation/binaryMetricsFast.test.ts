// The confusion matrices and step cuts of a large evaluation are counted from the sorted scores
// (binary search + prefix counts, one pass for distinct scores): they must equal the row-by-row
// counts, with ties, -0, and NaN scores (which fall back to the row-by-row path).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { confusionMatrix, cutByStep, sortByScore, type Confusion } from '../../../src/components/evaluation/binaryMetrics.js';

function bruteForce(scores: number[], labels: number[], thresholds: number[]): Confusion {
  const out: Confusion = { tp: [], fp: [], fn: [], tn: [] };
  const pos = labels.filter((l) => l === 1).length;
  for (const t of thresholds) {
    let tp = 0;
    let fp = 0;
    scores.forEach((s, i) => {
      if (s > t) (labels[i] === 1 ? tp++ : fp++);
    });
    out.tp.push(tp);
    out.fp.push(fp);
    out.fn.push(pos - tp);
    out.tn.push(labels.length - pos - fp);
  }
  return out;
}

test('confusion matrices from the sorted scores equal the row-by-row counts (ties, -0, thresholds between and on scores)', () => {
  let seed = 3;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const scores = Array.from({ length: 2000 }, (_, i) => (i % 50 === 0 ? 0 : i % 77 === 0 ? -0 : Math.round(random() * 300) / 300));
  const labels = scores.map(() => (random() < 0.4 ? 1 : 0));
  const sorted = sortByScore(labels, scores);
  const { thresholds } = cutByStep(sorted.scores);
  const all = [...thresholds, -1, 0, 0.5, 1, 2, ...scores.slice(0, 30)];
  assert.equal(confusionMatrix(sorted, all), bruteForce(scores, labels, all));
  assert.equal(thresholds, Array.from({ length: 100 }, (_, i) => {
    const distinct = [...new Set(Array.from(sorted.scores))].sort((a, b) => b - a);
    return distinct[Math.trunc(distinct.length * i * 0.01)];
  }));
});

test('NaN scores: the counts are taken row by row, as before', () => {
  const scores = [0.9, NaN, 0.2, 0.7, NaN, 0.4];
  const labels = [1, 0, 1, 0, 1, 1];
  const sorted = sortByScore(labels, scores);
  assert.equal(confusionMatrix(sorted, [0.1, 0.5, 0.8]), bruteForce(scores, labels, [0.1, 0.5, 0.8]));
});

test.run();
