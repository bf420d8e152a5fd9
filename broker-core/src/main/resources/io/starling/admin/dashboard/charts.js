// A small line chart on a canvas: several named series over the same time axis, no library.
"use strict";
const Charts = (() => {
  const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563"];

  function niceMax(value) {
    if (value <= 0) return 1;
    const power = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 5, 10]) {
      if (value <= step * power) return step * power;
    }
    return 10 * power;
  }

  function format(value) {
    if (value >= 1e6) return (value / 1e6).toFixed(1) + "M";
    if (value >= 1e3) return (value / 1e3).toFixed(1) + "k";
    if (Number.isInteger(value)) return String(value);
    return value < 10 ? String(Math.round(value * 100) / 100) : value.toFixed(1);
  }

  /** series: [{name, points: [[timeMillis, value], ...]}] */
  function draw(canvas, series) {
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || canvas.width;
    const height = canvas.clientHeight || canvas.height;
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    const g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const left = 48, right = 10, top = 22, bottom = 20;
    let tMin = Infinity, tMax = -Infinity, vMax = 0;
    for (const s of series) {
      for (const [t, v] of s.points) {
        tMin = Math.min(tMin, t); tMax = Math.max(tMax, t); vMax = Math.max(vMax, v);
      }
    }
    const yMax = niceMax(vMax);
    g.font = "11px system-ui, sans-serif";
    g.strokeStyle = "#e3e7ee"; g.fillStyle = "#667";
    for (let i = 0; i <= 4; i++) {
      const y = top + (height - top - bottom) * (1 - i / 4);
      g.beginPath(); g.moveTo(left, y); g.lineTo(width - right, y); g.stroke();
      g.fillText(format(yMax * i / 4), 4, y + 4);
    }
    if (tMin === Infinity) return;
    const span = Math.max(1, tMax - tMin);
    g.fillText(Math.round(span / 1000) + " s", width - right - 30, height - 4);
    const colored = series.map((s, index) => ({ ...s, color: COLORS[index % COLORS.length] }));
    // The total last, so that a node's line does not hide it when they are equal.
    for (const s of [...colored.filter((c) => !c.total), ...colored.filter((c) => c.total)]) {
      g.strokeStyle = s.color; g.lineWidth = s.total ? 3 : 1.5;
      g.setLineDash(s.total ? [6, 3] : []);
      g.beginPath();
      s.points.forEach(([t, v], i) => {
        const x = left + (width - left - right) * (t - tMin) / span;
        const y = top + (height - top - bottom) * (1 - v / yMax);
        if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
      });
      g.stroke();
    }
    g.setLineDash([]);
    let legendX = left;
    for (const s of colored) {
      g.fillStyle = s.color;
      g.fillRect(legendX, 6, 10, 10);
      g.fillStyle = "#1d2330";
      g.fillText(s.name, legendX + 14, 15);
      legendX += 24 + g.measureText(s.name).width;
    }
    g.lineWidth = 1;
  }

  return { draw, format };
})();
