// ECharts, only the pieces the board draws (lines, bars and a heatmap on a canvas), so the bundle stays small.
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent, DataZoomComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'preact/hooks';
import { html } from '../html.js';

echarts.use([LineChart, BarChart, HeatmapChart, VisualMapComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent, DataZoomComponent, CanvasRenderer]);

/**
 * A line chart of one or more series of [x, y] points. `kind` names it for tests and styling;
 * `points` (the number of points of the first series) is exposed as data-points.
 */
export function LineChartView({ kind, title, series, xName, yName, diagonal = false }) {
  const ref = useRef();
  useEffect(() => {
    const chart = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    const lines = series.map((s) => ({ name: s.name, type: 'line', showSymbol: s.data.length <= 60, symbolSize: 4, data: s.data, smooth: false, animation: false }));
    if (diagonal) lines.push({ name: 'random', type: 'line', data: [[0, 0], [1, 1]], lineStyle: { type: 'dashed', color: '#bbb' }, showSymbol: false, animation: false });
    chart.setOption({
      title: { text: title, left: 'center', textStyle: { fontSize: 13 } },
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0, type: 'scroll' },
      grid: { left: 50, right: 20, top: 35, bottom: 45 },
      xAxis: { type: 'value', name: xName, nameLocation: 'middle', nameGap: 22, scale: !diagonal },
      yAxis: { type: 'value', name: yName, scale: !diagonal },
      series: lines,
    });
    const resize = () => chart.resize();
    addEventListener('resize', resize);
    return () => (removeEventListener('resize', resize), chart.dispose());
  }, [series]);
  return html`<div class="chart" data-chart=${kind} data-points=${series[0]?.data.length ?? 0} ref=${ref}></div>`;
}

/** Horizontal bars (feature importance, IV): `items` is [[label, value], …]. */
export function BarChartView({ kind, title, items }) {
  const ref = useRef();
  useEffect(() => {
    const chart = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    const sorted = [...items].sort((a, b) => a[1] - b[1]);
    chart.setOption({
      title: { text: title, left: 'center', textStyle: { fontSize: 13 } },
      tooltip: {},
      grid: { left: 90, right: 20, top: 35, bottom: 25 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: sorted.map((i) => i[0]) },
      series: [{ type: 'bar', data: sorted.map((i) => i[1]), animation: false }],
    });
    return () => chart.dispose();
  }, [items]);
  return html`<div class="chart" style=${`height:${Math.max(220, items.length * 18 + 60)}px`} data-chart=${kind} data-points=${items.length} ref=${ref}></div>`;
}

/** Confusion matrix as a heatmap: rows true label, columns predicted label, the count in each cell. */
export function ConfusionMatrixView({ title, classes, matrix }) {
  const ref = useRef();
  useEffect(() => {
    const chart = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    const cells = matrix.flatMap((row, i) => row.map((n, j) => [j, i, n]));
    chart.setOption({
      title: { text: title, left: 'center', textStyle: { fontSize: 13 } },
      tooltip: { formatter: (p) => `true ${classes[p.value[1]]} → predicted ${classes[p.value[0]]}: ${p.value[2]}` },
      grid: { left: 70, right: 20, top: 35, bottom: 70 },
      xAxis: { type: 'category', data: classes, name: 'predicted', nameLocation: 'middle', nameGap: 25, splitArea: { show: true } },
      yAxis: { type: 'category', data: classes, name: 'true', inverse: true, splitArea: { show: true } },
      visualMap: { min: 0, max: Math.max(1, ...cells.map((c) => c[2])), calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, inRange: { color: ['#eef4fb', '#2f6fb3'] } },
      series: [{ type: 'heatmap', data: cells, label: { show: true }, animation: false }],
    });
    return () => chart.dispose();
  }, [matrix]);
  return html`<div class="chart" data-chart="confusion" data-classes=${classes.length} data-total=${matrix.flat().reduce((a, b) => a + b, 0)} ref=${ref}></div>`;
}

/** Predicted-score histogram, one bar series per true label (FATE-Board's score distribution). */
export function ScoreDistributionView({ title, edges, series }) {
  const ref = useRef();
  useEffect(() => {
    const chart = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    const bins = edges.slice(0, -1).map((e, i) => `${e.toFixed(2)}–${edges[i + 1].toFixed(2)}`);
    chart.setOption({
      title: { text: title, left: 'center', textStyle: { fontSize: 13 } },
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 50, right: 20, top: 35, bottom: 60 },
      xAxis: { type: 'category', data: bins, name: 'score', nameLocation: 'middle', nameGap: 35, axisLabel: { rotate: 45, fontSize: 9 } },
      yAxis: { type: 'value', name: 'count' },
      series: series.map((s) => ({ name: `label ${s.label}`, type: 'bar', data: s.counts, barGap: '0%', animation: false })),
    });
    return () => chart.dispose();
  }, [series]);
  return html`<div class="chart" data-chart="score-distribution" data-points=${series.reduce((n, s) => n + s.counts.reduce((a, b) => a + b, 0), 0)} ref=${ref}></div>`;
}
