import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const sim = fileURLToPath(new URL('../sim/index.ts', import.meta.url));

/** Prints the whole bundle's size after `npm run build` (vite lists each file; this adds the total). */
function bundleSize(): Plugin {
  let total = 0;
  let gzip = 0;
  return {
    name: 'meshsim-bundle-size',
    apply: 'build',
    async generateBundle(_options, bundle) {
      const { gzipSync } = await import('node:zlib');
      for (const file of Object.values(bundle)) {
        const bytes = file.type === 'chunk' ? Buffer.from(file.code) : Buffer.from(file.source);
        total += bytes.length;
        gzip += gzipSync(bytes).length;
      }
    },
    closeBundle() {
      if (total > 0) console.log(`meshsim playground bundle: ${(total / 1024).toFixed(1)} kB (${(gzip / 1024).toFixed(1)} kB gzip) in web/dist`);
      total = gzip = 0;
    },
  };
}

// base './': the build works from any static host and any sub-path (no server code, no absolute URLs).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: { alias: { 'meshsim/browser': sim } },
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2048 },
  plugins: [bundleSize()],
});
