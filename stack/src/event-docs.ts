import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EVENT_TYPES, EventType, eventCatalogMarkdown, jsonSchemaOf } from '@crm/events';
import { REPO_ROOT, subgraphManifest } from '@crm/service-kit';

// `npm run docs:events`: docs/events.md and docs/events/<type>.schema.json from the catalog.
// The consumers come from the services themselves: each one's handler registration is run
// against a recorder, so the docs say what the code subscribes to.

export const DOCS_DIR = path.join(REPO_ROOT, 'docs');

/** Which services consume each event type, read from every service's own `registerHandlers` (events.ts). */
export function consumersByType(): Map<EventType, string[]> {
  const byType = new Map<EventType, string[]>(EVENT_TYPES.map((t) => [t, []]));
  for (const { name } of subgraphManifest()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { registerHandlers } = require(`@crm/${name}`) as { registerHandlers?: (consumer: unknown, db: unknown) => void };
    if (!registerHandlers) throw new Error(`@crm/${name} does not export registerHandlers (its events.ts)`);
    const record = (type: EventType) => {
      if (!byType.get(type)!.includes(name)) byType.get(type)!.push(name);
    };
    const recorder = {
      handle(type: EventType) {
        record(type);
        return recorder;
      },
      handleBatch(types: readonly EventType[]) {
        types.forEach(record);
        return recorder;
      },
      handleInRuns(handlers: Partial<Record<EventType, unknown>>) {
        (Object.keys(handlers) as EventType[]).forEach(record);
        return recorder;
      },
      inLanes() {
        return recorder;
      },
    };
    registerHandlers(recorder, undefined);
  }
  return byType;
}

/** Every generated file, path relative to docs/ → content. */
export function eventDocFiles(): Map<string, string> {
  const consumers = consumersByType();
  const files = new Map<string, string>([['events.md', eventCatalogMarkdown((t) => consumers.get(t) ?? [])]]);
  for (const type of EVENT_TYPES) files.set(`events/${type}.schema.json`, `${JSON.stringify(jsonSchemaOf(type), null, 2)}\n`);
  return files;
}

export function staleEventDocs(): string[] {
  const stale: string[] = [];
  for (const [file, content] of eventDocFiles()) {
    let current = '';
    try {
      current = readFileSync(path.join(DOCS_DIR, file), 'utf8');
    } catch {
      /* missing counts as stale */
    }
    if (current !== content) stale.push(file);
  }
  return stale;
}

if (require.main === module) {
  mkdirSync(path.join(DOCS_DIR, 'events'), { recursive: true });
  for (const [file, content] of eventDocFiles()) writeFileSync(path.join(DOCS_DIR, file), content);
  process.stdout.write(`wrote docs/events.md and ${EVENT_TYPES.length} schemas in docs/events/\n`);
}
