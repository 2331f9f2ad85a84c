// A one-line progress bar for long loops (calibration), redrawn in place on stderr when stderr is
// a terminal, silent otherwise so logs and tests stay clean. Node's process is looked up through
// globalThis, so this module also loads where there is no process (a browser).
export type ProgressCallback = (done: number, total: number) => void;

interface StderrLike {
  isTTY?: boolean;
  write(s: string): unknown;
}

function stderr(): StderrLike | null {
  const p = (globalThis as { process?: { stderr?: StderrLike } }).process;
  return p && p.stderr ? p.stderr : null;
}

const WIDTH = 30;

export function progressBar(label: string): ProgressCallback {
  const out = stderr();
  if (!out || !out.isTTY) return () => {};
  let lastDrawn = -1;
  return (done, total) => {
    const filled = Math.round((done / total) * WIDTH);
    if (filled === lastDrawn && done !== total) return;
    lastDrawn = filled;
    out.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total}`);
    if (done === total) out.write('\n');
  };
}

/** Normalises a `progress` option into a callback taking the number done. */
export function progressReporter(option: boolean | ProgressCallback | undefined, total: number, label: string): (done: number) => void {
  const cb = typeof option === 'function' ? option : option ? progressBar(label) : null;
  return cb ? (done) => cb(done, total) : () => {};
}
