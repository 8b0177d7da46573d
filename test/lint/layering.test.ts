import { describe, expect, it } from 'vitest';
import { sourceFiles } from './source-files.ts';

/**
 * ARCHITECTURE.md layers, lowest first. A file may import (at run time) only from its own
 * layer or a lower one. The one allowed upward edge is `import type` of the validated Scenario
 * into sim/mesh: the mesh's input contract is the type zod infers in sim/scenario, and type
 * imports are erased before anything runs.
 */
const LAYERS = ['engine', 'metrics', 'mesh', 'scenario', 'run', 'report', 'worker', 'cli'];
const IMPORT = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

function layerOf(path: string): string | undefined {
  const m = /^sim\/([^/]+)\//.exec(path);
  return m && LAYERS.includes(m[1]!) ? m[1] : undefined;
}

function resolve(from: string, spec: string): string {
  const parts = from.split('/').slice(0, -1);
  for (const seg of spec.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.') parts.push(seg);
  }
  return parts.join('/');
}

interface Edge {
  file: string;
  target: string;
  typeOnly: boolean;
}

function edges(): Edge[] {
  return sourceFiles('sim').flatMap((f) =>
    [...f.text.matchAll(IMPORT)].map((m) => {
      const spec = (m[3] ?? m[4] ?? m[5])!;
      return { file: f.path, target: spec.startsWith('.') ? resolve(f.path, spec) : spec, typeOnly: Boolean(m[2]) };
    }),
  );
}

/**
 * web/ is a thin shell (ARCHITECTURE.md): the platform-neutral library `meshsim/browser`
 * (sim/index.ts, which carries the worker API and the result types) and UI packages, never
 * model internals, comlink or Node. vite.config.ts is build tooling, not the page.
 */
const WEB_PACKAGES = /^(d3|codemirror|@codemirror\/[a-z-]+)$/;

function webEdges(): Edge[] {
  return sourceFiles('web')
    .filter((f) => f.path.startsWith('web/src/'))
    .flatMap((f) =>
      [...f.text.matchAll(IMPORT)].map((m) => {
        const spec = (m[3] ?? m[4] ?? m[5])!;
        return { file: f.path, target: spec.startsWith('.') ? resolve(f.path, spec) : spec, typeOnly: Boolean(m[2]) };
      }),
    );
}

describe('layering', () => {
  const all = edges();

  it('finds the imports it checks', () => {
    expect(all.length).toBeGreaterThan(50);
  });

  it('imports point down only (mesh may import the Scenario type from scenario)', () => {
    const bad = all.filter((e) => {
      const from = layerOf(e.file);
      const to = layerOf(e.target + '/');
      if (!from || !to) return false;
      if (LAYERS.indexOf(to) <= LAYERS.indexOf(from)) return false;
      return !(from === 'mesh' && to === 'scenario' && e.typeOnly);
    });
    expect(bad.map((e) => `${e.file} -> ${e.target}`)).toEqual([]);
  });

  it('sim/engine imports nothing of ours outside itself (only seedrandom from outside)', () => {
    const bad = all.filter((e) => e.file.startsWith('sim/engine/') && !e.target.startsWith('sim/engine') && !e.target.startsWith('seedrandom/'));
    expect(bad.map((e) => `${e.file} -> ${e.target}`)).toEqual([]);
  });

  it('sim/report is pure: no node built-ins, no threads; its browser scripts import nothing', () => {
    const bad = all.filter((e) => e.file.startsWith('sim/report/') && (e.target.startsWith('node:') || /comlink|worker_threads/.test(e.target) || e.file.startsWith('sim/report/client/')));
    expect(bad.map((e) => `${e.file} -> ${e.target}`)).toEqual([]);
    expect(sourceFiles('sim/report').map((f) => f.path)).toContain('sim/report/client/report.js');
  });

  it('only sim/worker imports comlink or worker_threads; only worker, cli and the Node entry touch node built-ins', () => {
    const bad = all.filter((e) => {
      const layer = layerOf(e.file);
      if (/^comlink|worker_threads/.test(e.target)) return layer !== 'worker';
      if (e.target.startsWith('node:')) return layer !== 'worker' && layer !== 'cli' && e.file !== 'sim/node.ts';
      return false;
    });
    expect(bad.map((e) => `${e.file} -> ${e.target}`)).toEqual([]);
  });
});

describe('layering of the playground (web/)', () => {
  const all = webEdges();

  it('finds the imports it checks', () => {
    expect(all.filter((e) => e.target === 'meshsim/browser').length).toBeGreaterThan(10);
  });

  it('web/src imports only meshsim/browser, its own files and UI packages (no sim/ internals, comlink or Node)', () => {
    const bad = all.filter((e) => !(e.target === 'meshsim/browser' || e.target.startsWith('web/src/') || WEB_PACKAGES.test(e.target)));
    expect(bad.map((e) => `${e.file} -> ${e.target}`)).toEqual([]);
  });

  it('the rule catches what it must', () => {
    const allowed = (t: string) => t === 'meshsim/browser' || t.startsWith('web/src/') || WEB_PACKAGES.test(t);
    for (const t of ['sim/run/index.ts', 'meshsim', 'comlink', 'node:fs', 'comlink/dist/esm/comlink.mjs']) expect(allowed(t), t).toBe(false);
    expect(resolve('web/src/views/x.ts', '../../../sim/index.ts')).toBe('sim/index.ts');
  });
});
