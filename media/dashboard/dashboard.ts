// The dashboard: folds messages into run models once per frame and keeps header, charts, density and
// heatmap in step; a snapshot or theme change rebuilds views, batches redraw only what they touch.
import { DensityChartView } from './charts/density-chart.js';
import { LineChartView } from './charts/line-chart.js';
import { LINE_CHARTS, type SeriesContext } from './charts/line-specs.js';
import { applyThemeDefaults } from './charts/register.js';
import { canvasToPng } from './export.js';
import { FrameLoop } from './frame-loop.js';
import type { ChurnHeatmap } from './heatmap/churn-heatmap.js';
import { createHeatmapPanel } from './heatmap/heatmap-panel.js';
import type { ChartId, EventsMessage, HostMessage, SnapshotMessage } from './messages.js';
import { eventsToCsv } from './model/csv.js';
import { RunModel, type EventKind } from './model/run-model.js';
import { Smoothers } from './model/smoothers.js';
import type { DashboardTestHook } from './test-hook.js';
import { observeTheme, readTheme, type Theme } from './theme.js';
import { focusRunControl, LayerPicker, smoothingControl } from './ui/controls.js';
import { h } from './ui/dom.js';
import { RunHeader } from './ui/header.js';
import { createPanel } from './ui/panel.js';
import { VisibilityGate, type Redrawable } from './ui/visibility.js';
import type { HostBridge } from './vscode-api.js';

/** What changed since the last redraw: event types that arrived, or everything. */
type Dirty = Set<EventKind> | 'all';

export class Dashboard {
  private runs: RunModel[] = [];
  private readonly byId = new Map<string, RunModel>();
  private theme: Theme;
  private readonly context: SeriesContext;

  private header?: RunHeader;
  private lineViews: LineChartView[] = [];
  private readonly gate = new VisibilityGate();
  /** Redraw requests by panel, through the visibility gate. */
  private redrawers = new Map<ChartId, Redrawable>();
  private density?: DensityChartView;
  private heatmap?: ChurnHeatmap;
  private layerPicker?: LayerPicker;

  private pendingSnapshot?: SnapshotMessage;
  private pendingEvents: EventsMessage[] = [];
  private pendingSmoothing?: number;
  private readonly frames = new FrameLoop(() => this.frame());

  private readonly runCards: HTMLElement;
  private readonly toolbar: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly waiting: HTMLElement;
  private readonly heading: HTMLElement;

  constructor(root: HTMLElement, private readonly host: HostBridge) {
    this.theme = readTheme();
    applyThemeDefaults(this.theme);
    this.context = { smoothers: new Smoothers(host.state.smoothing), selectedLayer: host.state.selectedLayer };
    this.heading = h('h1', {}, 'RigL run');
    this.runCards = h('div', { class: 'run-cards' });
    this.toolbar = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Dashboard settings' });
    this.waiting = h('p', { class: 'waiting', role: 'status' }, 'Waiting for run data…');
    this.grid = h('div', { class: 'grid' });
    root.replaceChildren(h('header', { class: 'dashboard-header' }, this.heading, this.runCards, this.toolbar), this.waiting, this.grid);
    observeTheme((theme) => {
      this.theme = theme;
      applyThemeDefaults(theme);
      this.rebuildViews();
    });
  }

  receive(message: HostMessage): void {
    if (message.type === 'snapshot') {
      this.pendingSnapshot = message;
      this.pendingEvents = [];
    } else {
      this.pendingEvents.push(message);
    }
    this.frames.request();
  }

  testHook(): DashboardTestHook {
    return {
      whenIdle: () => this.frames.whenIdle(),
      runIds: () => this.runs.map((run) => run.runId),
      charts: () => {
        this.gate.flush();
        return Object.fromEntries(this.lineViews.map((view) => [view.spec.id, view.stats()]));
      },
      maskUpdateMarks: (chartId) => {
        this.gate.flush();
        return this.lineViews.find((view) => view.spec.id === chartId)?.maskUpdateMarks() ?? [];
      },
      values: (chartId, runId, seriesKey) => this.lineViews.find((view) => view.spec.id === chartId)?.values(runId, seriesKey) ?? [],
      density: () => {
        this.gate.flush();
        const chart = this.density?.chart;
        if (!chart) return undefined;
        return {
          layers: this.density!.layerCount,
          labels: [...(chart.data.labels ?? [])],
          datasets: chart.data.datasets.map((dataset) => ({ label: dataset.label ?? '', values: [...dataset.data] })),
        };
      },
      heatmap: () => {
        this.gate.flush();
        return this.heatmap?.stats();
      },
      theme: () => this.theme,
      timings: () => this.frames.timings(),
    };
  }

  // --- one frame ---------------------------------------------------------------------------------

  /** Applies everything received since the last frame, then redraws what it touched (or rebuilds). */
  private frame(): { rebuilt: boolean } {
    let rebuild = false;
    const dirty = new Set<EventKind>();
    if (this.pendingSnapshot) {
      this.loadSnapshot(this.pendingSnapshot);
      this.pendingSnapshot = undefined;
      rebuild = true;
    }
    for (const message of this.pendingEvents) {
      let run = this.byId.get(message.runId);
      if (!run) {
        run = this.addRun(message.runId);
        rebuild = true;
      }
      this.applyEvents(run, message.events, dirty);
    }
    this.pendingEvents = [];
    const smoothingChanged = this.pendingSmoothing !== undefined;
    if (this.pendingSmoothing !== undefined) {
      this.context.smoothers.setWeight(this.pendingSmoothing);
      this.pendingSmoothing = undefined;
    }
    this.context.smoothers.syncAll();
    if (rebuild) this.rebuildViews();
    else this.refreshViews(dirty, smoothingChanged);
    return { rebuilt: rebuild };
  }

  private applyEvents(run: RunModel, events: readonly unknown[], dirty: Set<EventKind>): void {
    for (const event of events) {
      // One malformed event must not stop the dashboard: skip it and say so in the devtools console.
      try {
        run.apply(event as Parameters<RunModel['apply']>[0]);
        dirty.add((event as { type: EventKind }).type);
      } catch (error) {
        console.error('rigl dashboard: skipped an event it could not read', event, error);
      }
    }
  }

  private loadSnapshot(snapshot: SnapshotMessage): void {
    this.runs = [];
    this.byId.clear();
    // Fresh smoothers: the old runs' series are gone.
    this.context.smoothers = new Smoothers(this.host.state.smoothing);
    for (const history of snapshot.runs) this.applyEvents(this.addRun(history.runId), history.events, new Set());
  }

  private addRun(runId: string): RunModel {
    let run = this.byId.get(runId);
    if (!run) {
      run = new RunModel(runId);
      this.byId.set(runId, run);
      this.runs.push(run);
      // Persisted so that a panel revived after a restart knows which runs it showed.
      this.host.updateState({ runIds: this.runs.map((shown) => shown.runId) });
    }
    return run;
  }

  // --- views -----------------------------------------------------------------------------------

  private focusRun(): RunModel | undefined {
    return this.byId.get(this.host.state.focusRunId ?? '') ?? this.runs[0];
  }

  /** Keeps the ITOP layer valid for the focused run: the persisted choice when it has it, else its first layer. */
  private ensureSelectedLayer(): void {
    const focus = this.focusRun();
    if (!focus || focus.layerNames.length === 0) return;
    const wanted = this.host.state.selectedLayer;
    this.context.selectedLayer = wanted !== undefined && focus.hasLayer(wanted) ? wanted : focus.layerNames[0];
  }

  private destroyViews(): void {
    this.gate.clear();
    this.redrawers.clear();
    for (const view of this.lineViews) view.destroy();
    this.lineViews = [];
    this.density?.destroy();
    this.density = undefined;
    this.heatmap?.destroy();
    this.heatmap = undefined;
    this.header = undefined;
    this.layerPicker = undefined;
  }

  private rebuildViews(): void {
    const scroller = document.scrollingElement;
    const scrollTop = scroller?.scrollTop ?? 0;
    this.destroyViews();
    this.runCards.replaceChildren();
    this.toolbar.replaceChildren();
    this.grid.replaceChildren();
    const runs = this.runs;
    const focus = this.focusRun();
    this.waiting.hidden = runs.length > 0;
    this.grid.hidden = runs.length === 0;
    this.toolbar.hidden = runs.length === 0;
    if (!focus) return;
    this.heading.textContent = runs.length > 1 ? `Comparing ${runs.length} runs` : 'RigL run';

    this.header = new RunHeader(this.runCards, runs, this.theme.runColors, (run) => this.exportCsv(run));
    this.toolbar.append(smoothingControl(this.host.state.smoothing, (weight) => this.setSmoothing(weight)));
    if (runs.length > 1) this.toolbar.append(focusRunControl(runs, focus, (runId) => this.setFocusRun(runId)));

    this.ensureSelectedLayer();
    this.layerPicker = new LayerPicker((layer) => this.selectLayer(layer));
    for (const spec of LINE_CHARTS) {
      const panel = createPanel({
        id: spec.id, title: spec.title, description: spec.description,
        tools: spec.usesSelectedLayer ? [this.layerPicker.element] : [],
        onExport: () => this.exportPng(spec.id, panel.canvas),
      });
      this.grid.append(panel.section);
      const view = new LineChartView(spec, panel.canvas, runs, this.context, this.theme);
      this.lineViews.push(view);
      this.redrawers.set(spec.id, this.gate.add(panel.section, () => view.refresh()));
    }

    const densityPanel = createPanel({
      id: 'density', title: 'Per-layer density', wide: true, scroll: true,
      description: `Target and actual density of every masked layer of ${focus.displayName}.`,
      onExport: () => this.exportPng('density', densityPanel.canvas),
    });
    this.grid.append(densityPanel.section);
    const density = new DensityChartView(densityPanel.box, densityPanel.canvas, focus, runs, this.theme);
    this.density = density;
    this.redrawers.set('density', this.gate.add(densityPanel.section, () => density.refresh()));

    const { section: heatmapSection, heatmap } = createHeatmapPanel(
      this.theme, (canvas) => this.exportPng('churn', canvas), (layer) => this.selectLayer(layer));
    this.grid.append(heatmapSection);
    heatmap.setRun(focus);
    this.heatmap = heatmap;
    this.redrawers.set('churn', this.gate.add(heatmapSection, () => heatmap.refresh()));

    this.refreshViews('all');
    if (scroller) scroller.scrollTop = scrollTop;
  }

  private refreshViews(dirty: Dirty, smoothingChanged = false): void {
    const touched = (kinds: readonly EventKind[]) => dirty === 'all' || kinds.some((kind) => dirty.has(kind));
    this.header?.update();
    const layersMayHaveChanged = touched(['status', 'mask']);
    if (layersMayHaveChanged) this.ensureSelectedLayer();
    for (const view of this.lineViews) {
      const stale = touched(view.spec.dependsOn) || (layersMayHaveChanged && view.spec.usesSelectedLayer) || (smoothingChanged && view.spec.usesSmoothing);
      if (stale) this.redrawers.get(view.spec.id)?.request();
    }
    if (layersMayHaveChanged) {
      this.layerPicker?.update(this.focusRun()?.layerNames ?? [], this.context.selectedLayer);
      this.redrawers.get('density')?.request();
      this.redrawers.get('churn')?.request();
    }
  }

  // --- user actions ----------------------------------------------------------------------------

  private setSmoothing(weight: number): void {
    this.host.updateState({ smoothing: weight });
    this.pendingSmoothing = weight;
    this.frames.request();
  }

  private selectLayer(layer: string): void {
    this.host.updateState({ selectedLayer: layer });
    this.context.selectedLayer = layer;
    this.layerPicker?.update(this.focusRun()?.layerNames ?? [], layer);
    for (const view of this.lineViews) if (view.spec.usesSelectedLayer) this.redrawers.get(view.spec.id)?.request();
  }

  private setFocusRun(runId: string): void {
    this.host.updateState({ focusRunId: runId });
    this.rebuildViews();
  }

  private exportCsv(run: RunModel): void {
    this.host.post({ type: 'exportCsv', runId: run.runId, csv: eventsToCsv(run.events) });
  }

  private exportPng(chart: ChartId, canvas: HTMLCanvasElement): void {
    this.host.post({ type: 'exportPng', chart, dataUrl: canvasToPng(canvas, this.theme.background) });
  }
}
