/**
 * Checks a Web API call's arguments against Slack's own method definitions (copied into test/specs/slack-methods
 * from slack-ruby/slack-api-ref): names the method does not define, and required ones that are missing.
 */
import fs from 'node:fs';
import path from 'node:path';

interface MethodSpec {
  args?: Record<string, { required?: boolean }>;
}

const SPEC_DIR = path.join(__dirname, '..', 'specs', 'slack-methods');
const cache = new Map<string, MethodSpec | undefined>();

function specOf(method: string): MethodSpec | undefined {
  if (cache.has(method)) return cache.get(method);
  const group = method.split('.')[0] ?? '';
  const file = path.join(SPEC_DIR, group, `${method}.json`);
  const spec = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as MethodSpec) : undefined;
  cache.set(method, spec);
  return spec;
}

/** Problems with a call's arguments; empty when the method has no copied spec (nothing to check against). */
export function argumentProblems(method: string, args: Record<string, unknown>): string[] {
  const spec = specOf(method);
  if (!spec) return [];
  const defined = spec.args ?? {};
  const problems: string[] = [];
  for (const name of Object.keys(args)) {
    if (name === 'token') continue;
    if (!(name in defined)) problems.push(`unknown argument '${name}'`);
  }
  for (const [name, def] of Object.entries(defined)) {
    if (def.required && name !== 'token' && args[name] === undefined) {
      problems.push(`missing required argument '${name}'`);
    }
  }
  return problems;
}

/** Whether the fake checks this method (so a test can insist its calls were checked). */
export function hasSpec(method: string): boolean {
  return specOf(method) !== undefined;
}
