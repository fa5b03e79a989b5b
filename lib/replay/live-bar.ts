/**
 * A load's progress as a live bar in a terminal (cli-progress): records done of all, percentage,
 * and the loader's own message (the entities in progress — the current phase —, rate, ETA,
 * errors). The notebooks' progress displays carry their numbers in a MIME part of their own
 * (PROGRESS_MIME, lib/frames/show.ts); a replay that echoes to a terminal draws them with this,
 * and one whose output is not a terminal prints periodic plain lines instead, as before.
 */
import cliProgress from 'cli-progress';

export { PROGRESS_MIME } from '../frames/show.js';

export interface ProgressState {
  label: string;
  done: number;
  total?: number;
  message?: string;
  finished?: boolean;
}

/** What the bars write to: the terminal itself, past the replay's capture of stdout. */
export interface TerminalOut {
  write(text: string): unknown;
  columns?: number;
}

export class LiveBars {
  private readonly bars = new Map<string, cliProgress.SingleBar>();
  private readonly stream: NodeJS.WritableStream;

  constructor(out: TerminalOut) {
    // cli-progress writes escape codes through `write`, and asks `isTTY` and `columns`.
    this.stream = {
      isTTY: true,
      columns: out.columns ?? 100,
      write: (t: string) => (out.write(t), true),
    } as unknown as NodeJS.WritableStream;
  }

  /** Draws (or redraws) the display `key`; a finished one is stopped and left on screen. */
  show(key: string, s: ProgressState): void {
    let bar = this.bars.get(key);
    if (!bar) {
      if (s.finished) return;
      bar = new cliProgress.SingleBar(
        {
          stream: this.stream,
          format: '{label} |{bar}| {percentage}% {value}/{total} · {message}',
          barsize: 24,
          hideCursor: false,
          linewrap: false,
          fps: 5,
          gracefulExit: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(s.total ?? 0, s.done, { label: s.label, message: s.message ?? '' });
      this.bars.set(key, bar);
    }
    if (s.total !== undefined && s.total !== bar.getTotal()) bar.setTotal(s.total);
    bar.update(s.done, { label: s.label, message: s.message ?? '' });
    if (s.finished) {
      bar.stop();
      this.bars.delete(key);
    }
  }

  /** Stops every bar still drawn (a cell that ended, or failed, before its display said done). */
  stopAll(): void {
    for (const bar of this.bars.values()) bar.stop();
    this.bars.clear();
  }
}
