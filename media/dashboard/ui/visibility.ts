// Redraws only what is on screen: a panel scrolled out of view is marked stale when its data
// changes and redrawn when it comes back, so a live frame costs what the visible charts cost.

export interface Redrawable {
  /** Redraw now if the panel is (nearly) on screen, else the next time it is. */
  request(): void;
}

interface Entry {
  redraw: () => void;
  visible: boolean;
  stale: boolean;
}

export class VisibilityGate {
  private readonly entries = new Map<Element, Entry>();
  private readonly observer: IntersectionObserver;

  constructor() {
    this.observer = new IntersectionObserver((changes) => {
      for (const change of changes) {
        const entry = this.entries.get(change.target);
        if (!entry) continue;
        entry.visible = change.isIntersecting;
        if (entry.visible && entry.stale) this.redraw(entry);
      }
      // Redrawing ahead of the viewport edge: scrolling does not reveal a stale chart for a frame.
    }, { rootMargin: '300px 0px' });
  }

  add(element: Element, redraw: () => void): Redrawable {
    // Visible until the observer's first report says otherwise, so a new panel draws at once.
    const entry: Entry = { redraw, visible: true, stale: false };
    this.entries.set(element, entry);
    this.observer.observe(element);
    return {
      request: () => {
        if (entry.visible) this.redraw(entry);
        else entry.stale = true;
      },
    };
  }

  /** Redraws every stale panel, on screen or not (tests read what every chart would show). */
  flush(): void {
    for (const entry of this.entries.values()) if (entry.stale) this.redraw(entry);
  }

  clear(): void {
    this.observer.disconnect();
    this.entries.clear();
  }

  private redraw(entry: Entry): void {
    entry.stale = false;
    entry.redraw();
  }
}
