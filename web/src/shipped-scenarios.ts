/** The scenarios shipped in scenarios/, bundled as text, by the path the CLI uses for them. */
const files = import.meta.glob('../../scenarios/*.yaml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export interface ShippedScenario {
  /** As on the command line: scenarios/quickstart.yaml. */
  file: string;
  text: string;
}

export const SHIPPED_SCENARIOS: ShippedScenario[] = Object.entries(files)
  .map(([path, text]) => ({ file: path.replace(/^(\.\.\/)+/, ''), text }))
  .sort((a, b) => (a.file === 'scenarios/quickstart.yaml' ? -1 : b.file === 'scenarios/quickstart.yaml' ? 1 : a.file.localeCompare(b.file)));
