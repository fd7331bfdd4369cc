// The dashboard chart: referrals per day as bars, referred revenue as a line, drawn by uPlot
// (vendored, see vendor/README.md). The table under it carries the same numbers, for screen
// readers and for anyone who wants them exact.
import { count, el, lang, money, say } from "./admin_api.js";

const HEIGHT = 240;
const BARS = "#9bb7e0";
let plot = null;
// A day of the series is a calendar day already in the shop's time zone: written as it is.
const calendarDay = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" });

function dayStart(iso) {
  return Date.parse(`${iso}T00:00:00Z`) / 1000;
}

function colour(name, fallback) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function options(width, currency) {
  const line = colour("--ok", "#1f7a3a");
  const upFromZero = (_u, _min, max) => [0, Math.max(1, max)];
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    // The API's days are calendar days: show them as such, whatever the browser's zone.
    tzDate: (ts) => globalThis.uPlot.tzDate(new Date(ts * 1000), "UTC"),
    scales: { x: { time: true }, referrals: { range: upFromZero }, revenue: { range: upFromZero } },
    axes: [
      {},
      { scale: "referrals", incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 10000],
        values: (_u, ticks) => ticks.map(count) },
      { scale: "revenue", side: 1, grid: { show: false }, size: 72,
        values: (_u, ticks) => ticks.map((v) => money(v.toFixed(2), currency)) },
    ],
    series: [
      {},
      { label: say("Referrals"), scale: "referrals", fill: BARS, stroke: BARS, points: { show: false },
        paths: globalThis.uPlot.paths.bars({ size: [0.7, 40] }) },
      { label: say("Referred revenue"), scale: "revenue", stroke: line, width: 2,
        points: { show: true, size: 6, fill: line } },
    ],
  };
}

export function drawChart(figure, series, currency) {
  plot?.destroy();
  const holder = figure.querySelector(".chart-plot");
  const total = series.reduce((sum, p) => sum + p.referrals, 0);
  const revenue = series.reduce((sum, p) => sum + Number(p.revenue), 0);
  holder.setAttribute("aria-label", say("%(referrals)s referrals and %(revenue)s referred revenue over %(days)s days", {
    referrals: count(total),
    revenue: money(revenue.toFixed(2), currency),
    days: count(series.length),
  }));
  const data = [
    series.map((p) => dayStart(p.day)),
    series.map((p) => p.referrals),
    series.map((p) => Number(p.revenue)),
  ];
  plot = new globalThis.uPlot(options(holder.clientWidth || 320, currency), data, holder);
  new ResizeObserver(() => plot.setSize({ width: holder.clientWidth, height: HEIGHT })).observe(holder);
  figure.querySelector("tbody").replaceChildren(
    ...series.map((p) => el("tr", { "data-day": p.day },
      el("td", {}, calendarDay.format(new Date(`${p.day}T00:00:00Z`))),
      el("td", { "data-referrals": p.referrals }, count(p.referrals)),
      el("td", { "data-revenue": p.revenue }, money(p.revenue, currency)),
    )),
  );
}
