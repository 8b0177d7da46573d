// meshsim report charts (runs in the report page, with d3 v7 loaded before it). One line chart
// with optional CI bands, timeline marks and a hover readout, one log-x histogram, and legends.
/* global d3 */
(function () {
  'use strict';
  var W = 440;
  var H = 230;
  var M = { top: 16, right: 16, bottom: 34, left: 58 };

  function frame(container, title) {
    var fig = d3.select(container).append('figure').attr('class', 'chart');
    fig.append('figcaption').text(title);
    var svg = fig.append('svg').attr('viewBox', '0 0 ' + W + ' ' + H).attr('role', 'img').attr('aria-label', title);
    return svg;
  }

  function finite(v) {
    return v !== null && v !== undefined && isFinite(v);
  }

  /**
   * lines: [{ name, color, dash, values: [y or null per x], band: [[lo, hi] or null per x] }]
   * opts: { x: [x values], xType: 'linear' | 'point', xLabel, yFormat, yMin, yMax, marks: [{ x, label, title }],
   *         shade: [x0, x1] (warm-up), step: true for interval data }
   */
  function lineChart(container, title, lines, opts) {
    var svg = frame(container, title);
    var xs = opts.x;
    var x = opts.xType === 'point' ? d3.scalePoint().domain(xs).range([M.left, W - M.right]).padding(0.3) : d3.scaleLinear().domain(opts.xDomain || d3.extent(xs)).range([M.left, W - M.right]);
    var all = [];
    lines.forEach(function (l) {
      l.values.forEach(function (v, i) {
        if (finite(v)) all.push(v);
        var b = l.band && l.band[i];
        if (b && finite(b[0]) && finite(b[1])) all.push(b[0], b[1]);
      });
    });
    var lo = opts.yMin !== undefined ? opts.yMin : Math.min(0, d3.min(all) || 0);
    var hi = opts.yMax !== undefined ? opts.yMax : d3.max(all) || 1;
    if (opts.yMin !== undefined) all = all.filter(function (v) { return v >= opts.yMin; });
    if (opts.yMax === undefined && all.length > 0) hi = Math.max(d3.max(all), lo + 1e-9);
    if (hi <= lo) hi = lo + 1;
    var y = d3.scaleLinear().domain([lo, hi]).nice(5).range([H - M.bottom, M.top]);
    if (opts.yMax !== undefined) y.domain([y.domain()[0], opts.yMax]);
    // A CI band can reach past what the metric can be (a success rate above 100%): clip it to the axis.
    var clampY = function (v) {
      return y(Math.max(y.domain()[0], Math.min(y.domain()[1], v)));
    };
    if (opts.shade && opts.shade[1] > opts.shade[0]) {
      svg.append('rect').attr('class', 'warmup').attr('x', x(opts.shade[0])).attr('y', M.top).attr('width', x(opts.shade[1]) - x(opts.shade[0])).attr('height', H - M.top - M.bottom);
    }
    svg.append('g').attr('class', 'grid').attr('transform', 'translate(' + M.left + ',0)').call(d3.axisLeft(y).ticks(5).tickSize(-(W - M.left - M.right)).tickFormat(''));
    var xAxis = opts.xType === 'point' ? d3.axisBottom(x) : d3.axisBottom(x).ticks(6).tickFormat(opts.xFormat || null);
    svg.append('g').attr('class', 'axis').attr('transform', 'translate(0,' + (H - M.bottom) + ')').call(xAxis);
    svg.append('g').attr('class', 'axis').attr('transform', 'translate(' + M.left + ',0)').call(d3.axisLeft(y).ticks(5).tickFormat(opts.yFormat));
    if (opts.xLabel) svg.append('text').attr('x', W - M.right).attr('y', H - 4).attr('text-anchor', 'end').text(opts.xLabel);
    (opts.marks || []).forEach(function (m, k) {
      var g = svg.append('g').attr('class', 'mark');
      g.append('line').attr('x1', x(m.x)).attr('x2', x(m.x)).attr('y1', M.top).attr('y2', H - M.bottom);
      g.append('text').attr('x', x(m.x) + 3).attr('y', M.top + 9 + (k % 3) * 11).text(m.label);
      g.append('title').text(m.title);
    });
    var xOf = function (i) {
      return x(xs[i]);
    };
    var solid = lines.filter(function (l) { return !l.dash; }).length;
    lines.forEach(function (l) {
      if (l.band) {
        var area = d3
          .area()
          .defined(function (b) {
            return b && finite(b[0]) && finite(b[1]);
          })
          .x(function (b, i) {
            return xOf(i);
          })
          .y0(function (b) {
            return clampY(b[0]);
          })
          .y1(function (b) {
            return clampY(b[1]);
          });
        svg.append('path').attr('d', area(l.band)).attr('fill', l.color).attr('fill-opacity', 0.15).attr('stroke', 'none');
      }
      var line = d3
        .line()
        .defined(finite)
        .x(function (v, i) {
          return xOf(i);
        })
        .y(function (v) {
          return y(v);
        });
      if (opts.step) line.curve(d3.curveStepAfter);
      // The base runs under its variants, wide and pale, so a variant that follows it closely leaves it visible.
      var under = l.under && solid > 1;
      svg.append('path').attr('d', line(l.values)).attr('fill', 'none').attr('stroke', l.color).attr('stroke-width', under ? 5 : 1.6).attr('stroke-opacity', under ? 0.45 : null).attr('stroke-dasharray', l.dash || null);
      if (opts.xType === 'point') {
        svg.selectAll(null).data(l.values.map(function (v, i) { return [i, v]; }).filter(function (d) { return finite(d[1]); }))
          .enter().append('circle').attr('cx', function (d) { return xOf(d[0]); }).attr('cy', function (d) { return y(d[1]); }).attr('r', 2.5).attr('fill', l.color);
      }
    });
    hover(svg, xs, xOf, lines, opts);
    if (opts.legend && lines.length > 0) legend(d3.select(svg.node().parentNode).append('div').attr('class', 'legend small').node(), lines);
    return svg;
  }

  /** A vertical rule and the values of every line at the nearest x, under the pointer. */
  function hover(svg, xs, xOf, lines, opts) {
    var g = svg.append('g').attr('class', 'hover').style('display', 'none');
    g.append('line').attr('y1', M.top).attr('y2', H - M.bottom);
    var tip = svg.append('g').attr('class', 'tip').style('display', 'none');
    var box = tip.append('rect').attr('rx', 3);
    var text = tip.append('text');
    var fmt = opts.tipFormat || opts.yFormat;
    svg.append('rect').attr('x', M.left).attr('y', M.top).attr('width', W - M.left - M.right).attr('height', H - M.top - M.bottom).attr('fill', 'transparent')
      .on('mouseleave', function () {
        g.style('display', 'none');
        tip.style('display', 'none');
      })
      .on('mousemove', function (event) {
        var px = d3.pointer(event)[0];
        var best = 0;
        for (var i = 1; i < xs.length; i++) if (Math.abs(xOf(i) - px) < Math.abs(xOf(best) - px)) best = i;
        g.style('display', null).select('line').attr('x1', xOf(best)).attr('x2', xOf(best));
        var rows = [(opts.xName || '') + String(xs[best]) + (opts.xUnit || '')].concat(lines.map(function (l) {
          var v = l.values[best];
          return l.name + ': ' + (finite(v) ? fmt(v) : '–');
        }));
        text.selectAll('tspan').remove();
        rows.forEach(function (r, k) {
          text.append('tspan').attr('x', 6).attr('dy', k === 0 ? 13 : 13).text(r);
        });
        var bb = text.node().getBBox();
        var left = xOf(best) + 8 + bb.width + 12 > W ? xOf(best) - bb.width - 20 : xOf(best) + 8;
        box.attr('width', bb.width + 12).attr('height', bb.height + 8);
        tip.style('display', null).attr('transform', 'translate(' + left + ',' + (M.top + 2) + ')');
      });
  }

  /** bins per line: { lowMs, highMs, counts }; drawn as the share of requests per bin, log x. */
  function histogramChart(container, title, lines) {
    var svg = frame(container, title);
    var lo = Infinity;
    var hi = 0;
    var top = 0;
    lines.forEach(function (l) {
      var total = d3.sum(l.bins.counts) || 1;
      l.bins.lowMs.forEach(function (v, i) {
        lo = Math.min(lo, Math.max(v, 1e-4));
        hi = Math.max(hi, l.bins.highMs[i]);
        top = Math.max(top, l.bins.counts[i] / total);
      });
    });
    if (!isFinite(lo)) {
      svg.append('text').attr('x', W / 2).attr('y', H / 2).attr('text-anchor', 'middle').text('no requests');
      return svg;
    }
    var x = d3.scaleLog().domain([lo, hi]).range([M.left, W - M.right]);
    var y = d3.scaleLinear().domain([0, top]).nice(4).range([H - M.bottom, M.top]);
    svg.append('g').attr('class', 'grid').attr('transform', 'translate(' + M.left + ',0)').call(d3.axisLeft(y).ticks(4).tickSize(-(W - M.left - M.right)).tickFormat(''));
    svg.append('g').attr('class', 'axis').attr('transform', 'translate(0,' + (H - M.bottom) + ')').call(d3.axisBottom(x).ticks(5, '~s'));
    svg.append('g').attr('class', 'axis').attr('transform', 'translate(' + M.left + ',0)').call(d3.axisLeft(y).ticks(4, '.0%'));
    svg.append('text').attr('x', W - M.right).attr('y', H - 4).attr('text-anchor', 'end').text('latency, ms (log)');
    lines.forEach(function (l) {
      var total = d3.sum(l.bins.counts) || 1;
      var pts = [];
      l.bins.lowMs.forEach(function (v, i) {
        var x0 = x(Math.max(v, lo));
        var x1 = x(l.bins.highMs[i]);
        var yy = y(l.bins.counts[i] / total);
        pts.push([x0, y(0)], [x0, yy], [x1, yy], [x1, y(0)]);
      });
      svg.append('path').attr('d', d3.line()(pts)).attr('fill', l.color).attr('fill-opacity', 0.12).attr('stroke', l.color).attr('stroke-width', 1.2).attr('stroke-dasharray', l.dash || null);
    });
    return svg;
  }

  /** items: [{ name, color, dash }] */
  function legend(container, items) {
    var div = d3.select(container);
    items.forEach(function (it) {
      var span = div.append('span');
      span.append('span').attr('class', 'swatch' + (it.dash ? ' dashed' : '')).style('border-top-color', it.color);
      span.append('span').text(it.name);
    });
  }

  window.MeshsimChart = { lineChart: lineChart, histogramChart: histogramChart, legend: legend };
})();
