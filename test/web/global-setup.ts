// Vitest globalSetup: build the web app (src/web → dist/web, `npx vite build`) once before the tests when dist/web is
// missing or older than its sources, so the browser tests never run against a stale bundle.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCES = [
  path.join(ROOT, 'src', 'web'),
  path.join(ROOT, 'vite.config.ts'),
  path.join(ROOT, 'package-lock.json'),
];
const BUILT = path.join(ROOT, 'dist', 'web', 'index.html');

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted file shows only as the directory's own mtime
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

export function webBuildIsStale(): boolean {
  if (!existsSync(BUILT)) return true;
  return Math.max(...SOURCES.map(newestMtime)) > statSync(BUILT).mtimeMs;
}

export default function setup(): void {
  if (!existsSync(path.join(ROOT, 'vite.config.ts'))) return; // no web app in this tree: the browser tests say so
  if (!webBuildIsStale()) return;
  const t0 = Date.now();
  try {
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  } catch (err) {
    throw new Error(`building the web app (npx vite build) failed: ${(err as Error).message}`);
  }
  console.log(`web app built into dist/web in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
