// A real Grafana Loki for the test suite: find or build the binary, start it on free loopback ports
// with a throw-away directory, wait until it is ready, and stop it (and clean up) whatever happens.
//
// Why a separate watchdog process: vitest may be killed (Ctrl-C twice, CI timeout) without running
// teardown, and a Loki left behind keeps ports and disk. The watchdog is a detached shell that kills
// Loki and removes its directory as soon as the Node process that started it is gone.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderLokiConfig, type RulerStore } from './loki-config.ts';

export const lokiVersion = process.env.LOKI_VERSION ?? 'v3.7.6';
const buildScript = join(dirname(fileURLToPath(import.meta.url)), 'build.sh');

export interface LokiBinaries {
  dir: string;
  loki: string;
  lokitool: string;
}

/** Why no Loki is available (no Go toolchain, a failed build), for a skip message or a CI failure. */
export class LokiUnavailableError extends Error {
  override name = 'LokiUnavailableError';
}

/**
 * Returns the cached binaries, building them with build.sh on first use. Build progress goes to
 * `onProgress` line by line (stderr of build.sh), so a cold CI build shows it is alive.
 * LOKI_BIN_DIR points at prebuilt `loki` + `lokitool` and skips the build entirely.
 */
export async function findOrBuildLoki(onProgress: (line: string) => void = () => {}): Promise<LokiBinaries> {
  const prebuilt = process.env.LOKI_BIN_DIR;
  if (prebuilt) {
    const bins = binariesIn(prebuilt);
    if (!bins)
      throw new LokiUnavailableError(`LOKI_BIN_DIR=${prebuilt} does not hold executable loki and lokitool`);
    return bins;
  }
  const { code, stdout, stderrTail } = await runBuildScript(onProgress);
  if (code === 3) {
    throw new LokiUnavailableError(
      `no Go toolchain on PATH: the real-Loki tests build Loki ${lokiVersion} from the Go module proxy and need Go >= 1.26.5 (or LOKI_BIN_DIR with prebuilt binaries)`,
    );
  }
  const dir = stdout.trim().split('\n').at(-1) ?? '';
  const bins = code === 0 ? binariesIn(dir) : undefined;
  if (!bins) {
    throw new LokiUnavailableError(
      `test/loki/build.sh failed (exit ${code}); last lines of its output:\n${stderrTail.join('\n')}`,
    );
  }
  return bins;
}

function binariesIn(dir: string): LokiBinaries | undefined {
  const loki = join(dir, 'loki');
  const lokitool = join(dir, 'lokitool');
  return dir && existsSync(loki) && existsSync(lokitool) ? { dir, loki, lokitool } : undefined;
}

function runBuildScript(
  onProgress: (line: string) => void,
): Promise<{ code: number; stdout: string; stderrTail: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [buildScript], {
      env: { ...process.env, LOKI_VERSION: lokiVersion },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const tail: string[] = [];
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        onProgress(line);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (pending) tail.push(pending);
      resolve({ code: code ?? 1, stdout, stderrTail: tail });
    });
  });
}

/** A free TCP port on 127.0.0.1 (the kernel picks it; we release it right before Loki binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port of a probe socket'));
      });
    });
  });
}

export interface StartLokiOptions {
  /** `local`: rules read from `rulesDir/<tenant>/*.yaml` (read-only API); `writable`: ruler API store. */
  rulerStore: RulerStore;
  /** true: multi-tenant (every request needs X-Scope-OrgID); false: single tenant `fake`. */
  multiTenant: boolean;
  /** Per-tenant limit overrides (Loki runtime config), e.g. to turn ingest-time label discovery off. */
  tenantOverrides?: Record<string, Record<string, unknown>>;
  readyTimeoutMs?: number;
  /** Stable name for messages (which instance failed). */
  name?: string;
}

export interface LokiInstance {
  name: string;
  url: string;
  dir: string;
  /** Where `local` ruler stores read rule files: `<rulesDir>/<tenant>/<namespace>.yaml`. */
  rulesDir: string;
  overridesFile: string;
  pid: number;
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

/** Starts Loki and resolves once /ready answers 200; on any failure Loki is stopped and its dir removed. */
export async function startLoki(binaries: LokiBinaries, options: StartLokiOptions): Promise<LokiInstance> {
  const name = options.name ?? 'loki';
  const dir = mkdtempSync(join(tmpdir(), `logward-${name}-`));
  const rulesDir = join(dir, 'rules');
  mkdirSync(rulesDir, { recursive: true });
  const overridesFile = join(dir, 'overrides.yaml');
  writeFileSync(overridesFile, overridesYaml(options.tenantOverrides ?? {}));
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const configFile = join(dir, 'loki.yaml');
  writeFileSync(
    configFile,
    renderLokiConfig({
      dir,
      httpPort,
      grpcPort,
      rulerStore: options.rulerStore,
      multiTenant: options.multiTenant,
      overridesFile,
    }),
  );
  const logFile = join(dir, 'loki.log');
  const logFd = openSync(logFile, 'a');
  // stdout/stderr go to a file, not a pipe: a pipe nobody drains would block Loki.
  const child = spawn(binaries.loki, [`-config.file=${configFile}`], { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const watchdog = startWatchdog(child, dir);
  const url = `http://127.0.0.1:${httpPort}`;
  const logTail = (lines = 30) => tailOf(logFile, lines);

  let stopped = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    watchdog.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  const killOnExit = () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', killOnExit);

  try {
    await waitReady(url, child, options.readyTimeoutMs ?? 60_000, logTail, name);
  } catch (error) {
    await stop();
    throw error;
  }
  return { name, url, dir, rulesDir, overridesFile, pid: child.pid ?? -1, logTail, stop };
}

function overridesYaml(overrides: Record<string, Record<string, unknown>>): string {
  // JSON is YAML; Loki's runtime config loader reads it as such.
  return JSON.stringify({ overrides }, null, 2) + '\n';
}

/** Rewrites the runtime overrides file; Loki re-reads it every second (runtime_config.period). */
export function writeTenantOverridesFile(
  file: string,
  overrides: Record<string, Record<string, unknown>>,
): void {
  writeFileSync(file, overridesYaml(overrides));
}

function startWatchdog(child: ChildProcess, dir: string): ChildProcess {
  const script = [
    'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done',
    'kill -TERM "$2" 2>/dev/null; sleep 3; kill -KILL "$2" 2>/dev/null',
    'rm -rf -- "$3"',
  ].join('\n');
  const watchdog = spawn('sh', ['-c', script, 'loki-watchdog', String(process.pid), String(child.pid), dir], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
  return watchdog;
}

async function waitReady(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  logTail: () => string,
  name: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${name} exited during startup (code ${child.exitCode}, signal ${child.signalCode}); its log ends with:\n${logTail()}`,
      );
    }
    try {
      const response = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2000) });
      const body = (await response.text()).trim();
      last = `HTTP ${response.status}: ${body}`;
      // /ready turns 200 a moment before the query frontend's workers reach the scheduler; a query
      // that answers proves the whole read path is up.
      if (response.status === 200 && (await queryAnswers(url))) return;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(200);
  }
  throw new Error(
    `${name} at ${url} was not ready after ${timeoutMs} ms (last /ready answer: ${last}); its log ends with:\n${logTail()}`,
  );
}

async function queryAnswers(url: string): Promise<boolean> {
  const response = await fetch(`${url}/loki/api/v1/query?query=${encodeURIComponent('vector(1)')}`, {
    headers: { 'X-Scope-OrgID': 'readiness-probe' },
    signal: AbortSignal.timeout(2000),
  });
  await response.text();
  return response.status === 200;
}

function tailOf(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log file)';
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
