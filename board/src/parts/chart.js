// ECharts, only the pieces the board draws (lines and bars on a canvas), so the bundle stays small.
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent, DataZoomComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'preact/hooks';
import { html } from '../html.js';

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, DataZoomComponent, CanvasRenderer]);

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
