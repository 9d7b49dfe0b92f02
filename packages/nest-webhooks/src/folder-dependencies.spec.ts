import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The module's folders depend on each other in one direction only: a folder that imports another
 * is never imported back, directly or through others (type-only imports count too). The files at
 * the module's root (module, settings, constants, errors) compose the folders and are left out.
 */
const ROOT = __dirname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [file] : [];
  });
}

/** Folder → the folders it imports, each with one file that does (for the failure message). */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(ROOT)) {
    const [folder, ...rest] = path.relative(ROOT, file).split(path.sep);
    if (rest.length === 0) continue;
    const text = readFileSync(file, 'utf8');
    // `from '…'`, `import('…')` and side-effect `import '…'`, with either quote.
    for (const [, , specifier] of text.matchAll(
      /(?:from|import\(?)\s*(['"])(\.{1,2}\/[^'"]+)\1/g,
    )) {
      const target = path.relative(ROOT, path.resolve(path.dirname(file), specifier));
      const [targetFolder, ...targetRest] = target.split(path.sep);
      if (target.startsWith('..') || targetRest.length === 0 || targetFolder === folder) continue;
      const edges = graph.get(folder) ?? new Map<string, string>();
      edges.set(targetFolder, path.relative(ROOT, file));
      graph.set(folder, edges);
    }
  }
  return graph;
}

/** Strongly connected components with more than one folder (Tarjan). */
function cycles(graph: Map<string, Map<string, string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('folders of the webhooks module', () => {
  it('import each other without cycles', () => {
    const graph = folderGraph();
    const described = cycles(graph).map((component) =>
      component
        .flatMap((from) =>
          [...(graph.get(from) ?? [])]
            .filter(([to]) => component.includes(to))
            .map(([to, file]) => `${from} -> ${to} (${file})`),
        )
        .join('; '),
    );
    expect(described).toEqual([]);
  });

  it('sees the imports it checks (a control: dispatch imports queue)', () => {
    expect(folderGraph().get('dispatch')?.has('queue')).toBe(true);
    expect(
      cycles(
        new Map([
          ['a', new Map([['b', 'x']])],
          ['b', new Map([['a', 'y']])],
        ]),
      ),
    ).toEqual([['a', 'b']]);
  });
});
