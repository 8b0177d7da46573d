// meshsim report: reads the page's data (#meshsim-data) and draws its charts with MeshsimChart.
// Sets body[data-rendered] to "ok" or "error" (and lists errors in #report-errors) when done,
// so a headless browser can tell a page that drew from one that failed.
/* global d3, MeshsimChart */
(function () {
  'use strict';
  var errors = [];
  window.addEventListener('error', function (e) {
    errors.push(String(e.message));
    finish();
  });

  var pct = d3.format('.0%');
  var pct2 = d3.format('.2%');
  var num = d3.format(',.4~r');
  var axisNum = d3.format('~s');
  function ms(v) {
    if (v === 0) return '0';
    if (v >= 1000) return +(v / 1000).toPrecision(3) + 's';
    if (v >= 1) return +v.toPrecision(3) + 'ms';
    return +(v * 1000).toPrecision(3) + 'µs';
  }
  var VARIANT_COLORS = d3.schemeTableau10;
  var KEY_COLORS = ['#d62728', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f', '#1f77b4', '#2ca02c'];
  var DASHES = [null, '6 3', '2 3', '8 3 2 3'];

  function section(parent, title, kind) {
    var s = d3.select(parent).append('section').attr('class', 'series');
    var h = s.append('h3').text(title + ' ');
    if (kind) h.append('span').attr('class', 'kind').text(kind);
    return s.append('div').attr('class', 'charts').node();
  }

  function renderRun(data) {
    var color = function (v) {
      return VARIANT_COLORS[data.variants.indexOf(v) % VARIANT_COLORS.length];
    };
    var dash = function (v) {
      return DASHES[data.variants.indexOf(v) % DASHES.length];
    };
    MeshsimChart.legend('#legend', data.variants.map(function (v) {
      return { name: v, color: color(v) };
    }));
    var base = {
      x: data.t,
      xDomain: [0, data.durationS],
      xLabel: 'simulated time, s',
      xUnit: 's',
      shade: [0, data.warmupS],
      step: true,
      marks: data.marks.map(function (m) {
        return { x: m.atS, label: m.atS + 's ' + m.label, title: m.description };
      }),
    };
    var opts = function (extra) {
      return Object.assign({}, base, extra);
    };
    var ordered = data.series.filter(function (s) { return s.kind === 'workload'; }).concat(data.series.filter(function (s) { return s.kind !== 'workload'; }));
    ordered.forEach(function (s) {
      var box = section('#charts', s.name, s.kind === 'workload' ? 'workload (requests it sent)' : 'service (requests to it)');
      var per = function (field) {
        return data.variants.map(function (v) {
          return { name: v, color: color(v), under: v === 'base', values: s.variants[v][field] };
        });
      };
      MeshsimChart.lineChart(box, 'Success rate', per('success'), opts({ yMin: 0, yMax: 1, yFormat: pct, tipFormat: pct2 }));
      MeshsimChart.lineChart(box, 'Requests per second (ended)', per('ratePerS'), opts({ yFormat: axisNum, tipFormat: num }));
      var lat = [];
      data.variants.forEach(function (v) {
        lat.push({ name: v + ' p99', color: color(v), under: v === 'base', values: s.variants[v].p99Ms });
        lat.push({ name: v + ' p50', color: color(v), dash: '4 3', values: s.variants[v].p50Ms });
      });
      MeshsimChart.lineChart(box, 'Latency p50 (dashed) and p99', lat, opts({ yFormat: ms, tipFormat: ms }));
      var keys = [];
      data.variants.forEach(function (v) {
        Object.keys(s.variants[v].errors).forEach(function (k) {
          if (keys.indexOf(k) < 0) keys.push(k);
        });
      });
      var errs = [];
      data.variants.forEach(function (v) {
        keys.forEach(function (k) {
          var values = s.variants[v].errors[k];
          if (values) errs.push({ name: (data.variants.length > 1 ? v + ' ' : '') + k, color: KEY_COLORS[keys.indexOf(k) % KEY_COLORS.length], dash: dash(v), values: values });
        });
      });
      var errSvg = MeshsimChart.lineChart(box, 'Non-2xx codes and Envoy flags, per second', errs, opts({ yFormat: axisNum, tipFormat: num, legend: true }));
      if (errs.length === 0) errSvg.append('text').attr('x', 250).attr('y', 110).attr('text-anchor', 'middle').text('no non-2xx responses');
      var podKeys = [];
      data.variants.forEach(function (v) {
        Object.keys(s.variants[v].pods).forEach(function (k) {
          if (podKeys.indexOf(k) < 0) podKeys.push(k);
        });
      });
      if (podKeys.length > 0) {
        var pods = [];
        data.variants.forEach(function (v) {
          podKeys.forEach(function (k, i) {
            if (s.variants[v].pods[k]) pods.push({ name: (data.variants.length > 1 ? v + ' ' : '') + k, color: KEY_COLORS[i % KEY_COLORS.length], dash: dash(v), values: s.variants[v].pods[k] });
          });
        });
        MeshsimChart.lineChart(box, 'Pods', pods, opts({ yFormat: axisNum, tipFormat: num, legend: true }));
      }
      MeshsimChart.histogramChart(box, 'Latency histogram (after warm-up)', data.variants.map(function (v) {
        return { name: v, color: color(v), dash: dash(v), bins: s.variants[v].histogram };
      }));
    });
    if (data.conntrack) renderConntrack(data.conntrack, opts, color, dash);
  }

  /**
   * The nodes' host-netns tables: the busiest node's peak against each variant's nf_conntrack_max
   * (dashed), and the SYNs full tables dropped. The scale reaches the lowest limit; a far higher
   * one (a variant's fix) would flatten every line, so the title names it instead.
   */
  function renderConntrack(ct, opts, color, dash) {
    var box = section('#charts', 'Connections and conntrack', 'host-netns tables of the nodes');
    var variants = Object.keys(ct);
    var peaks = variants.map(function (v) {
      return { name: v, color: color(v), under: v === 'base', values: ct[v].busiestPeak };
    });
    var top = Math.max(d3.max(peaks, function (l) { return d3.max(l.values); }) || 0, d3.min(variants, function (v) { return ct[v].nfConntrackMax; }));
    var yMax = top * 1.1;
    var limits = [];
    var above = [];
    variants.forEach(function (v) {
      var max = ct[v].nfConntrackMax;
      if (max > yMax) above.push(v + ' ' + d3.format(',')(max));
      else limits.push({ name: v + ' nf_conntrack_max', color: color(v), dash: '4 3', values: ct[v].busiestPeak.map(function () { return max; }) });
    });
    var title = 'Busiest node: conntrack entries, peak (dashed: nf_conntrack_max' + (above.length ? '; above the scale: ' + above.join(', ') : '') + ')';
    MeshsimChart.lineChart(box, title, peaks.concat(limits), opts({ yMin: 0, yMax: yMax, yFormat: axisNum, tipFormat: d3.format(',') }));
    MeshsimChart.lineChart(box, 'SYNs dropped by full tables, per second (all nodes)', variants.map(function (v) {
      return { name: v, color: color(v), values: ct[v].dropsPerS };
    }), opts({ yMin: 0, yFormat: axisNum, tipFormat: num }));
    // One colour per state, one dash per variant (as the pods chart); states never held are left out.
    var states = [];
    variants.forEach(function (v) {
      Object.keys(ct[v].entriesByState).forEach(function (k, i) {
        var values = ct[v].entriesByState[k];
        if (d3.max(values) > 0) states.push({ name: (variants.length > 1 ? v + ' ' : '') + k, color: KEY_COLORS[i % KEY_COLORS.length], dash: dash(v), values: values });
      });
    });
    MeshsimChart.lineChart(box, 'Conntrack entries by state, all nodes (host netns, at each interval\'s end)', states, opts({ yMin: 0, yFormat: axisNum, tipFormat: d3.format(','), legend: true }));
  }

  var SWEEP_CHARTS = [
    { metric: 'successRate', title: 'Success rate', yFormat: pct, tip: pct2, yMin: 0, yMax: 1 },
    { metric: 'ratePerS', title: 'Requests per second', yFormat: axisNum, tip: num, yMin: 0 },
    { metric: 'p50Ms', title: 'Latency p50', yFormat: ms, tip: ms, yMin: 0 },
    { metric: 'p99Ms', title: 'Latency p99', yFormat: ms, tip: ms, yMin: 0 },
  ];

  function renderSweep(data) {
    var axis = data.axes[0];
    var xs = axis ? axis.labels : ['(base)'];
    var others = data.points.map(function (p) {
      return data.axes.slice(1).map(function (a) { return a.path + '=' + p.labels[a.path]; }).join(' ');
    });
    var combos = [];
    others.forEach(function (o) {
      if (combos.indexOf(o) < 0) combos.push(o);
    });
    var lines = [];
    data.variants.forEach(function (v, vi) {
      combos.forEach(function (c, ci) {
        lines.push({ variant: v, combo: c, name: v + (c ? ' · ' + c : ''), color: VARIANT_COLORS[(combos.length > 1 ? ci : vi) % VARIANT_COLORS.length], dash: DASHES[(combos.length > 1 ? vi : 0) % DASHES.length] });
      });
    });
    MeshsimChart.legend('#legend', lines);
    var rowOf = {};
    data.rows.forEach(function (r) {
      rowOf[r.point + '|' + r.variant + '|' + r.series + '|' + r.metric] = r;
    });
    var pointAt = function (combo, xi) {
      for (var i = 0; i < data.points.length; i++) {
        var p = data.points[i];
        if (others[i] === combo && (!axis || p.labels[axis.path] === xs[xi])) return p.index;
      }
      return -1;
    };
    var ordered = data.series.filter(function (s) { return s.kind === 'workload'; }).concat(data.series.filter(function (s) { return s.kind !== 'workload'; }));
    ordered.forEach(function (s) {
      var box = section('#charts', s.name, s.kind === 'workload' ? 'workload' : 'service');
      box.classList.add('four');
      SWEEP_CHARTS.forEach(function (c) {
        var chartLines = lines.map(function (l) {
          var values = [];
          var band = [];
          xs.forEach(function (x, xi) {
            var r = rowOf[pointAt(l.combo, xi) + '|' + l.variant + '|' + s.name + '|' + c.metric];
            values.push(r ? r.mean : null);
            band.push(r && r.ci95Low !== null ? [r.ci95Low, r.ci95High] : null);
          });
          return { name: l.name, color: l.color, dash: l.dash, values: values, band: band };
        });
        MeshsimChart.lineChart(box, c.title + ' (mean, 95% CI band)', chartLines, {
          x: xs,
          xType: 'point',
          xLabel: axis ? axis.path : '',
          xName: axis ? axis.path + '=' : '',
          yFormat: c.yFormat,
          tipFormat: c.tip,
          yMin: c.yMin,
          yMax: c.yMax,
        });
      });
    });
  }

  function finish() {
    var el = document.getElementById('report-errors');
    if (errors.length > 0) {
      el.hidden = false;
      el.textContent = 'The charts could not be drawn:\n' + errors.join('\n');
    }
    document.body.setAttribute('data-rendered', errors.length > 0 ? 'error' : 'ok');
  }

  /** With #hover-selftest in the URL: hover the middle of every chart once (a headless browser checks the readouts). */
  function hoverSelfTest() {
    document.querySelectorAll('figure.chart svg > rect[fill="transparent"]').forEach(function (rect) {
      var box = rect.getBoundingClientRect();
      rect.dispatchEvent(new MouseEvent('mousemove', { clientX: box.left + box.width / 2, clientY: box.top + box.height / 2, bubbles: true }));
    });
  }

  try {
    var data = JSON.parse(document.getElementById('meshsim-data').textContent);
    if (data.kind === 'run') renderRun(data);
    else renderSweep(data);
    if (location.hash === '#hover-selftest') hoverSelfTest();
  } catch (e) {
    errors.push(String((e && e.stack) || e));
  }
  finish();
})();
