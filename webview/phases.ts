// The wave charts' geometry and look, apart from main.ts so a test can check them without a browser:
// devices in Intune over time as a step line (a count holds until the next reading), the expected
// count as a dashed line, the first and last times and the counts as labels.
import type { DevicePoint } from '../src/core/phases/overview';
import { ERROR_COLOR } from './states';

export const PHASE_CSS = [
  '.chart .axis { stroke: var(--vscode-foreground); stroke-opacity: 0.4; }',
  '.chart .expected { stroke: var(--vscode-charts-blue); stroke-dasharray: 4 3; }',
  '.chart .moved { stroke: var(--vscode-testing-iconPassed); stroke-width: 2; fill: none; }',
  '.chart .dot { fill: var(--vscode-testing-iconPassed); }',
  '.chart .label { fill: var(--vscode-foreground); font-size: 10px; }',
  '.chart .axis-title { fill: var(--vscode-foreground); font-size: 10px; font-style: italic; }',
  '.wave-chart { margin: 0; }',
  '.stages { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 8px; list-style: none; padding: 0; margin: 8px 0 16px; }',
  '.stage { border: 1px solid var(--vscode-panel-border, var(--vscode-foreground)); border-top-width: 4px; padding: 6px 8px; display: flex; flex-direction: column; gap: 2px; }',
  '.stage .standing { font-size: 0.9em; }',
  '.stage .summary { opacity: 0.85; font-size: 0.9em; }',
  '.stage-done { border-top-color: var(--vscode-testing-iconPassed); }',
  '.stage-current { border-top-color: var(--vscode-charts-blue); border-width: 2px; border-top-width: 4px; }',
  `.stage-blocked { border-top-color: ${ERROR_COLOR}; border-width: 2px; border-top-width: 4px; }`,
  // A phase still to do reads quieter (a dashed edge), but its button stays a live button.
  '.stage-todo { border-style: dashed; border-top-style: solid; }',
  '.state-ok { border-left: 3px solid var(--vscode-testing-iconPassed); padding-left: 6px; }',
  `.state-blocking { border-left: 3px solid ${ERROR_COLOR}; padding-left: 6px; }`,
].join('\n');

const W = 320;
const H = 160;
// Room for the axis titles: "devices in Intune" above the count axis, "time (UTC)" under the times.
const PAD = { left: 28, right: 12, top: 24, bottom: 38 };

type Line = { x1: number; y1: number; x2: number; y2: number };

export interface ChartGeometry {
  width: number;
  height: number;
  axisX: Line;
  axisY: Line;
  expectedLine: Line;
  /** The step line's points, `x,y x,y …`. */
  points: string;
  dots: { x: number; y: number }[];
  labels: { x: number; y: number; text: string; anchor: 'start' | 'middle' | 'end' }[];
  /** What each axis counts, in words. */
  axisTitles: { x: number; y: number; text: string; anchor: 'start' | 'middle' | 'end' }[];
}

/** A reading's time: hours and minutes, with seconds when the whole chart spans less than an hour. */
const clock = (iso: string, span: number) => iso.slice(11, span < 3_600_000 ? 19 : 16);

/** Undefined when there is nothing to draw. */
export function chartGeometry(series: DevicePoint[]): ChartGeometry | undefined {
  if (series.length === 0) return undefined;
  const times = series.map((p) => Date.parse(p.at));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const top = Math.max(1, ...series.map((p) => Math.max(p.expected, p.moved)));
  const x = (t: number) => PAD.left + (t1 === t0 ? 0 : ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right));
  const y = (n: number) => H - PAD.bottom - (n / top) * (H - PAD.top - PAD.bottom);
  const r = (n: number) => Math.round(n * 10) / 10;
  const pts: [number, number][] = [];
  series.forEach((p, i) => {
    const px = r(x(times[i]));
    if (i > 0) pts.push([px, pts[pts.length - 1][1]]); // the count holds until this reading
    pts.push([px, r(y(p.moved))]);
  });
  // A single reading: a short flat line, so it shows as more than a dot.
  if (series.length === 1) pts.push([r(W - PAD.right), pts[0][1]]);
  const last = series[series.length - 1];
  const expected = r(y(last.expected));
  const hhmm = (iso: string) => clock(iso, t1 - t0);
  return {
    width: W,
    height: H,
    axisX: { x1: PAD.left, y1: H - PAD.bottom, x2: W - PAD.right, y2: H - PAD.bottom },
    axisY: { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: H - PAD.bottom },
    expectedLine: { x1: PAD.left, y1: expected, x2: W - PAD.right, y2: expected },
    points: pts.map(([a, b]) => `${a},${b}`).join(' '),
    dots: series.map((p, i) => ({ x: r(x(times[i])), y: r(y(p.moved)) })),
    labels: [
      { x: PAD.left - 4, y: r(y(0)) + 3, text: '0', anchor: 'end' },
      { x: PAD.left - 4, y: expected + 3, text: String(last.expected), anchor: 'end' },
      { x: PAD.left, y: H - PAD.bottom + 14, text: hhmm(series[0].at), anchor: 'start' },
      ...(series.length > 1 ? [{ x: W - PAD.right, y: H - PAD.bottom + 14, text: hhmm(last.at), anchor: 'end' as const }] : []),
      { x: W - PAD.right, y: r(y(last.moved)) - 5, text: `${last.moved} of ${last.expected}`, anchor: 'end' },
    ],
    axisTitles: [
      { x: 4, y: 12, text: 'devices in Intune', anchor: 'start' },
      { x: r((PAD.left + W - PAD.right) / 2), y: H - 6, text: 'time (UTC)', anchor: 'middle' },
    ],
  };
}

/** The guided switch's typed tenant name matches (trimmed, any case): the rule the core applies again. */
export const tenantNameMatches = (typed: string, tenantName: string) => typed.trim().toLowerCase() === tenantName.trim().toLowerCase();
