import fs from 'node:fs';
import type { RunningFerretdb } from '../../src/db/ferretdb';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__smxTestDb as
    | { server: RunningFerretdb; dir: string }
    | undefined;
  if (!state) return;
  await state.server.stop();
  fs.rmSync(state.dir, { recursive: true, force: true });
}
