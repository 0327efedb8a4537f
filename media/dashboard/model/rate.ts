// Training speed from the most recent train events, and the time left at that speed.
// A window of recent samples follows speed changes (an evaluation pause, a slower backend).

interface Sample {
  step: number;
  time: number;
}

/** How many recent train events the rate is measured over. */
const WINDOW = 20;

export class StepRate {
  private readonly samples: Sample[] = [];

  add(step: number, time: number): void {
    const last = this.samples[this.samples.length - 1];
    // A step going back (resume) or a clock going back starts a new measurement.
    if (last && (step <= last.step || time < last.time)) this.samples.length = 0;
    this.samples.push({ step, time });
    if (this.samples.length > WINDOW) this.samples.shift();
  }

  /** Forget the window, e.g. when a run resumes after a pause that must not count as training time. */
  reset(): void {
    this.samples.length = 0;
  }

  /** Steps per second, or undefined until two samples span some time. */
  stepsPerSecond(): number | undefined {
    if (this.samples.length < 2) return undefined;
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const seconds = (last.time - first.time) / 1000;
    if (seconds <= 0) return undefined;
    return (last.step - first.step) / seconds;
  }

  /** Seconds until totalSteps at the current rate. */
  etaSeconds(currentStep: number, totalSteps: number): number | undefined {
    const rate = this.stepsPerSecond();
    if (rate === undefined || rate <= 0) return undefined;
    return Math.max(0, totalSteps - currentStep) / rate;
  }
}
