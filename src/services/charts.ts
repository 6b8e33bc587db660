import { createCanvas } from '@napi-rs/canvas';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Title,
} from 'chart.js';

/*
 * Charts as PNG, drawn on the server: chart.js (the most used charting library, MIT) on
 * @napi-rs/canvas (Skia, prebuilt binaries, no system cairo/pango needed, unlike node-canvas).
 * Chart.js picks its "basic" platform without a DOM, so it draws straight onto the Skia canvas.
 */
Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Title,
);

const WIDTH = 900;
const HEIGHT = 500;
const COLORS = ['#2e7d32', '#1565c0', '#c62828', '#6a1b9a', '#ef6c00', '#00838f', '#546e7a'];

function draw(config: ChartConfiguration): Buffer {
  const canvas = createCanvas(WIDTH, HEIGHT);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, WIDTH, HEIGHT);
  // chart.js is typed for the DOM's context; Skia's has the same drawing API.
  const chart = new Chart(
    ctx as unknown as ConstructorParameters<typeof Chart>[0],
    {
      ...config,
      options: { ...config.options, responsive: false, animation: false, devicePixelRatio: 1 },
    } as ChartConfiguration,
  );
  try {
    return canvas.toBuffer('image/png');
  } finally {
    chart.destroy();
  }
}

/** The delivery funnel: one horizontal bar per stage (sent → delivered → read → clicked → …). */
export function funnelChart(input: { title: string; labels: string[]; values: number[] }): Buffer {
  return draw({
    type: 'bar',
    data: {
      labels: input.labels,
      datasets: [
        {
          label: input.title,
          data: input.values,
          backgroundColor: input.labels.map((_, i) => COLORS[i % COLORS.length] as string),
        },
      ],
    },
    options: {
      indexAxis: 'y',
      plugins: {
        legend: { display: false },
        title: { display: true, text: input.title, font: { size: 20 } },
      },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
}

/** Sends and clicks per hour or day. */
export function timelineChart(input: {
  title: string;
  labels: string[];
  series: { label: string; values: number[] }[];
}): Buffer {
  return draw({
    type: 'line',
    data: {
      labels: input.labels,
      datasets: input.series.map((s, i) => ({
        label: s.label,
        data: s.values,
        borderColor: COLORS[(i + 1) % COLORS.length] as string,
        backgroundColor: COLORS[(i + 1) % COLORS.length] as string,
        tension: 0.2,
      })),
    },
    options: {
      plugins: { title: { display: true, text: input.title, font: { size: 20 } } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
}
