// The dashboard's wave charts: devices in Intune over time as a step line whose height is the
// count, against the expected count; the geometry is plain data, checked without a browser.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chartGeometry, PHASE_CSS, tenantNameMatches } from '../../webview/phases';

const pairs = (points: string) => points.split(' ').map((p) => p.split(',').map(Number));

describe('wave chart geometry', () => {
  it('nothing to draw without a reading', () => {
    assert.equal(chartGeometry([]), undefined);
  });

  it('steps up as devices move: each count holds until the next reading, and ends at the expected line when all moved', () => {
    const g = chartGeometry([
      { at: '2026-11-30T10:00:00Z', moved: 0, expected: 4 },
      { at: '2026-11-30T10:10:00Z', moved: 1, expected: 4 },
      { at: '2026-11-30T10:30:00Z', moved: 4, expected: 4 },
    ])!;
    const pts = pairs(g.points);
    assert.equal(pts.length, 5, 'three readings, two steps');
    const ys = pts.map(([, y]) => y);
    assert.ok(ys[0] === ys[1] && ys[1] > ys[2] && ys[2] === ys[3] && ys[3] > ys[4], `a rising step line (SVG y grows down): ${g.points}`);
    assert.equal(pts[1][0], pts[2][0], 'a vertical step at the second reading');
    assert.equal(pts[4][1], g.expectedLine.y1, 'all moved: the line meets the expected count');
    assert.equal(pts[0][1], g.axisX.y1, 'none moved: on the axis');
    assert.ok(
      pts.every(([x, y]) => x >= 0 && x <= g.width && y >= 0 && y <= g.height),
      'inside the picture',
    );
    assert.deepEqual(
      g.labels.map((l) => l.text),
      ['0', '4', '10:00:00', '10:30:00', '4 of 4'],
      'a chart of less than an hour names the seconds',
    );
    const day = chartGeometry([
      { at: '2026-11-30T10:00:00Z', moved: 0, expected: 4 },
      { at: '2026-11-30T18:00:00Z', moved: 4, expected: 4 },
    ])!;
    assert.deepEqual(day.labels.map((l) => l.text).slice(2, 4), ['10:00', '18:00']);
    assert.equal(g.dots.length, 3);
  });

  it('one reading is a flat line across, not a lone dot; a wave with no devices still draws', () => {
    const g = chartGeometry([{ at: '2026-11-30T10:00:00Z', moved: 2, expected: 3 }])!;
    const pts = pairs(g.points);
    assert.equal(pts.length, 2);
    assert.equal(pts[0][1], pts[1][1]);
    assert.ok(pts[1][0] > pts[0][0]);
    assert.ok(chartGeometry([{ at: '2026-11-30T10:00:00Z', moved: 0, expected: 0 }]));
  });

  it('colours come from the theme, by class: no inline style', () => {
    for (const cls of ['.chart .moved', '.chart .expected', '.state-ok', '.state-blocking'])
      assert.match(PHASE_CSS, new RegExp(cls.replace(/\./g, '\\.')));
    assert.doesNotMatch(PHASE_CSS, /#[0-9a-f]{3,6}\b/i, 'theme variables, not fixed colours');
  });
});

describe("the guided switch page's tenant name check", () => {
  it('takes the name as the tenant names itself, in any case, trimmed; nothing else', () => {
    assert.equal(tenantNameMatches('Contoso', 'Contoso'), true);
    assert.equal(tenantNameMatches('  contoso ', 'Contoso'), true);
    for (const typed of ['', 'Contoso Ltd', 'Contos', 'Fabrikam', 'contoso.onmicrosoft.com'])
      assert.equal(tenantNameMatches(typed, 'Contoso'), false, typed);
  });
});
