// Small constructors for the Grafana panels the dashboard uses: full option sets (as Grafana's own
// schema types in @grafana/schema require them), one datasource variable, no grafonnet dependency.
local ds = { type: 'prometheus', uid: '${datasource}' };

local target(expr, legend='', refId='A', instant=false, format='time_series') = {
  refId: refId,
  datasource: ds,
  expr: expr,
  legendFormat: legend,
  range: !instant,
  instant: instant,
  format: format,
};

local targets(list) = std.mapWithIndex(
  function(i, t) target(t.expr, std.get(t, 'legend', ''), std.char(65 + i), std.get(t, 'instant', false), std.get(t, 'format', 'time_series')),
  list
);

local grid(x, y, w, h) = { x: x, y: y, w: w, h: h };

// Threshold steps from [[null, colour], [value, colour], ...].
local steps(list) = { mode: 'absolute', steps: [{ value: s[0], color: s[1] } for s in list] };

// A value mapping from {value: [text, colour]}; `noData` adds what an empty result shows.
local valueMap(m) = [{
  type: 'value',
  options: { [k]: { text: m[k][0], color: m[k][1], index: std.find(k, std.objectFields(m))[0] } for k in std.objectFields(m) },
}];
local noData = [{ type: 'special', options: { match: 'null', result: { text: 'no data', color: '#8e8e8e', index: 100 } } }];

local legend = { displayMode: 'list', placement: 'bottom', showLegend: true, calcs: [] };
local tooltip = { mode: 'multi', sort: 'desc' };

{
  ds: ds,
  grey: '#8e8e8e',

  row(title, y, repeat=null):: {
    type: 'row',
    title: title,
    collapsed: false,
    gridPos: grid(0, y, 24, 1),
    panels: [],
  } + (if repeat == null then {} else { repeat: repeat }),

  // A single value, coloured by `thresholds` ([[null, colour], [from, colour], ...]) and, when
  // `mappings` ({value: [text, colour]}) is given, named by it.
  stat(title, description, expr, legend, pos, thresholds, mappings={}, unit='none', decimals=0, textMode='value'):: {
    type: 'stat',
    title: title,
    description: description,
    datasource: ds,
    gridPos: pos,
    targets: targets([{ expr: expr, legend: legend }]),
    options: {
      reduceOptions: { values: false, calcs: ['lastNotNull'], fields: '' },
      orientation: 'auto',
      textMode: textMode,
      colorMode: 'background',
      graphMode: 'none',
      justifyMode: 'auto',
      wideLayout: true,
      showPercentChange: false,
      percentChangeColorMode: 'standard',
    },
    fieldConfig: {
      defaults: {
        unit: unit,
        decimals: decimals,
        color: { mode: 'thresholds' },
        thresholds: steps(thresholds),
        mappings: (if std.length(std.objectFields(mappings)) > 0 then valueMap(mappings) else []) + noData,
      },
      overrides: [],
    },
  },

  // Lines over time; every series of one panel shares `unit` (one unit per axis).
  timeseries(title, description, list, pos, unit, min=null, max=null, stack=false, overrides=[], step=false):: {
    type: 'timeseries',
    title: title,
    description: description,
    datasource: ds,
    gridPos: pos,
    targets: targets(list),
    options: { legend: legend, tooltip: tooltip },
    fieldConfig: {
      defaults: {
        unit: unit,
        color: { mode: 'palette-classic' },
        custom: {
          drawStyle: 'line',
          lineInterpolation: if step then 'stepAfter' else 'linear',
          lineWidth: 1,
          fillOpacity: if stack then 60 else 0,
          showPoints: 'never',
          spanNulls: false,
          axisPlacement: 'auto',
          stacking: { mode: if stack then 'normal' else 'none', group: 'A' },
        },
      } + (if min == null then {} else { min: min }) + (if max == null then {} else { max: max }),
      overrides: overrides,
    },
  },

  // Rows of buckets over time, one row per series (`legend` names the row); no bucketing by Grafana.
  heatmap(title, description, expr, legend, pos, yUnit, cellUnit):: {
    type: 'heatmap',
    title: title,
    description: description,
    datasource: ds,
    gridPos: pos,
    targets: targets([{ expr: expr, legend: legend }]),
    options: {
      calculate: false,
      rowsFrame: { layout: 'unknown' },
      cellGap: 1,
      cellValues: { unit: cellUnit },
      color: { mode: 'scheme', scheme: 'Oranges', fill: 'dark-orange', scale: 'linear', exponent: 0.5, steps: 64, reverse: false, min: 0, max: 1 },
      exemplars: { color: 'rgba(255,0,255,0.7)' },
      legend: { show: true },
      showValue: 'never',
      tooltip: { mode: 'single', yHistogram: false, showColorScale: true },
      yAxis: { axisPlacement: 'left', unit: yUnit },
    },
    fieldConfig: { defaults: {}, overrides: [] },
  },

  // An instant table; `colour` maps the values of one column ({field: {value: [text, colour]}}).
  table(title, description, expr, pos, hide, colour={}):: {
    type: 'table',
    title: title,
    description: description,
    datasource: ds,
    gridPos: pos,
    targets: targets([{ expr: expr, instant: true, format: 'table' }]),
    options: { showHeader: true, frameIndex: 0, cellHeight: 'sm' },
    transformations: [{ id: 'organize', options: { excludeByName: { [h]: true for h in hide } } }],
    fieldConfig: {
      defaults: { custom: { align: 'auto', cellOptions: { type: 'auto' }, inspect: false } },
      overrides: [
        {
          matcher: { id: 'byName', options: f },
          properties: [
            { id: 'mappings', value: valueMap(colour[f]) },
            { id: 'custom.cellOptions', value: { type: 'color-background' } },
          ],
        }
        for f in std.objectFields(colour)
      ],
    },
  },

  grid:: grid,
}
