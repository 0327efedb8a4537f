// A per-chart chart.js plugin that marks the planned mask-update steps (RunInfo.schedule) with thin
// dashed vertical lines up to the latest step, so a jump in loss or accuracy can be read against them.
import type { Chart, Plugin } from './chartjs.js';

export interface MaskUpdateMarks {
  /** Per run: its update steps and the colour of its marks. */
  runs(): { steps: readonly number[]; color: string }[];
  /** Called after each draw with the steps drawn (the test hook reports them). */
  drawn(steps: number[]): void;
}

export function maskUpdateMarksPlugin(marks: MaskUpdateMarks): Plugin {
  return {
    id: 'riglMaskUpdateMarks',
    beforeDatasetsDraw(chart: Chart) {
      const x = chart.scales.x;
      const { top, bottom, left, right } = chart.chartArea;
      if (!x) return;
      const drawn: number[] = [];
      const context = chart.ctx;
      context.save();
      context.lineWidth = 1;
      context.setLineDash([3, 3]);
      for (const run of marks.runs()) {
        context.strokeStyle = run.color;
        context.beginPath();
        for (const step of run.steps) {
          if (step < x.min || step > x.max) continue;
          const pixel = Math.round(x.getPixelForValue(step)) + 0.5;
          if (pixel < left || pixel > right) continue;
          context.moveTo(pixel, top);
          context.lineTo(pixel, bottom);
          drawn.push(step);
        }
        context.stroke();
      }
      context.restore();
      marks.drawn(drawn);
    },
  };
}
