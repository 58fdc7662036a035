// Vitest globalSetup of the `loki` project: build (once, with progress) or find Loki, start one
// multi-tenant Loki for all test files, and hand its address to them through `provide`/`inject`.
// Without Go the tests skip with the reason, except under CI=true, where a missing Loki fails the run.
import type { TestProject } from 'vitest/node';
import {
  findOrBuildLoki,
  LokiUnavailableError,
  lokiVersion,
  startLoki,
  type LokiInstance,
} from './harness.ts';
import type { LokiContext } from './context.ts';

let instance: LokiInstance | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const context = await prepare();
  project.provide('loki', context);
  return async () => {
    await instance?.stop();
    instance = undefined;
  };
}

async function prepare(): Promise<LokiContext> {
  const startedAt = Date.now();
  let lastProgress = 0;
  try {
    const binaries = await findOrBuildLoki((line) => {
      // build.sh prints a heartbeat with the number of compiled packages; show everything it says
      // but keep the go download chatter to one line every few seconds.
      if (line.startsWith('go: downloading') && Date.now() - lastProgress < 5000) return;
      lastProgress = Date.now();
      console.log(line);
    });
    instance = await startLoki(binaries, { name: 'loki-main', rulerStore: 'local', multiTenant: true });
    console.log(
      `[loki] Loki ${lokiVersion} ready at ${instance.url} (pid ${instance.pid}, dir ${instance.dir}) after ${((Date.now() - startedAt) / 1000).toFixed(1)}s`,
    );
    return {
      available: true,
      reason: '',
      version: lokiVersion,
      url: instance.url,
      dir: instance.dir,
      rulesDir: instance.rulesDir,
      overridesFile: instance.overridesFile,
      binDir: binaries.dir,
      loki: binaries.loki,
      lokitool: binaries.lokitool,
    };
  } catch (error) {
    if (!(error instanceof LokiUnavailableError)) throw error;
    if (process.env.CI === 'true') {
      throw new Error(`CI=true and no real Loki: ${error.message}`, { cause: error });
    }
    console.warn(`[loki] SKIPPING the real-Loki tests: ${error.message}`);
    return {
      available: false,
      reason: error.message,
      version: lokiVersion,
      url: '',
      dir: '',
      rulesDir: '',
      overridesFile: '',
      binDir: '',
      loki: '',
      lokitool: '',
    };
  }
}
