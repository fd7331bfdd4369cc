// A small SVG chart: referrals per day as bars, referred revenue as a line with points.
import { count, money, say } from "./admin_api.js";

const NS = "http://www.w3.org/2000/svg";
const W = 720;
const H = 240;
const PAD = { left: 40, right: 56, top: 12, bottom: 28 };

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function niceMax(value) {
  if (value <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(value));
  return Math.ceil(value / step) * step;
}

export function drawChart(figure, series, currency) {
  figure.querySelector("svg")?.remove();
  const total = series.reduce((sum, p) => sum + p.referrals, 0);
  const revenue = series.reduce((sum, p) => sum + Number(p.revenue), 0);
  const root = svg("svg", {
    viewBox: `0 0 ${W} ${H}`,
    role: "img",
    "aria-label": say("%(referrals)s referrals and %(revenue)s referred revenue over %(days)s days", {
      referrals: count(total),
      revenue: money(revenue.toFixed(2), currency),
      days: count(series.length),
    }),
    class: "chart-svg",
  });
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const maxCount = niceMax(Math.max(...series.map((p) => p.referrals)));
  const maxMoney = niceMax(Math.max(...series.map((p) => Number(p.revenue))));
  const slot = plotW / Math.max(series.length, 1);
  const x = (i) => PAD.left + slot * i + slot / 2;
  const yCount = (v) => PAD.top + plotH - (v / maxCount) * plotH;
  const yMoney = (v) => PAD.top + plotH - (v / maxMoney) * plotH;

  root.append(svg("line", { x1: PAD.left, x2: W - PAD.right, y1: PAD.top + plotH, y2: PAD.top + plotH, class: "axis" }));
  root.append(svg("text", { x: PAD.left - 6, y: PAD.top + 10, class: "tick", "text-anchor": "end" }, String(maxCount)));
  root.append(svg("text", { x: W - PAD.right + 6, y: PAD.top + 10, class: "tick" }, `${maxMoney} ${currency}`));

  const points = [];
  series.forEach((p, i) => {
    const label = `${p.day}: ${p.referrals} referrals, ${p.revenue} ${currency}`;
    const top = yCount(p.referrals);
    const bar = svg("rect", {
      x: x(i) - slot * 0.35, y: top, width: slot * 0.7, height: PAD.top + plotH - top,
      class: "bar", "data-day": p.day, "data-referrals": p.referrals,
    });
    bar.append(svg("title", {}, label));
    root.append(bar);
    points.push([x(i), yMoney(Number(p.revenue))]);
    const last = series.length - 1;
    // Every seventh day and the last one, skipping a weekly label that would crowd the last.
    if (i === last || (i % 7 === 0 && last - i >= 4)) {
      root.append(svg("text", { x: x(i), y: H - 8, class: "tick", "text-anchor": "middle" }, p.day.slice(5)));
    }
  });
  root.append(svg("polyline", { points: points.map((pt) => pt.join(",")).join(" "), class: "line" }));
  series.forEach((p, i) => {
    const dot = svg("circle", { cx: points[i][0], cy: points[i][1], r: 3.5, class: "point", "data-day": p.day, "data-revenue": p.revenue });
    dot.append(svg("title", {}, `${p.day}: ${p.revenue} ${currency}`));
    root.append(dot);
  });
  figure.prepend(root);
}
