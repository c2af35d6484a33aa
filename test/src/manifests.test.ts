/**
 * Both app manifests are valid against Slack's manifest schema (test/specs), agree with each other, and ask only
 * for scopes that a Web API call in the code needs.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';

interface Manifest {
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    socket_mode_enabled: boolean;
    event_subscriptions: { bot_events: string[] };
    interactivity: { request_url?: string };
  };
}

const ROOT = path.join(__dirname, '..', '..');
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(ROOT, f), 'utf8')) as Manifest;
const schema = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'test', 'specs', 'manifest.schema.1.0.0.json'), 'utf8'),
);

/** Each bot scope and the call (as written in the code) that needs it. */
const SCOPE_USES: Record<string, string> = {
  commands: "'/smx'",
  'chat:write': 'chat.postMessage',
  // Posting in a public facility or metrics channel smx was not invited to.
  'chat:write.public': 'chat.postMessage',
  'im:write': 'conversations.open',
  'usergroups:read': 'usergroups.users.list',
  'files:write': 'files.getUploadURLExternal',
  // conversations.info (the start-up membership check) needs channels:read for public and groups:read for private
  // channels.
  'channels:read': 'conversations.info',
  'groups:read': 'conversations.info',
};

function sourceText(): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) out.push(fs.readFileSync(p, 'utf8'));
    }
  };
  for (const d of ['src', 'listeners', 'jobs']) walk(path.join(ROOT, d));
  return out.join('\n');
}

describe.each(['manifest.json', 'manifest.socket-mode.json'])('%s', (file) => {
  const manifest = read(file);

  test("is valid against Slack's manifest schema", () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addFormat('uri', (v: string) => URL.canParse(v));
    const validate = ajv.compile(schema);
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('asks only for scopes a call in the code needs', () => {
    const scopes = manifest.oauth_config.scopes.bot as string[];
    expect([...scopes].sort()).toEqual(Object.keys(SCOPE_USES).sort());
    const code = sourceText();
    for (const scope of scopes)
      expect({ scope, used: code.includes(SCOPE_USES[scope] ?? '?') }).toEqual({ scope, used: true });
  });
});

test('the two manifests differ only in how Slack reaches smx', () => {
  const http = read('manifest.json');
  const socket = read('manifest.socket-mode.json');
  expect(http.settings.socket_mode_enabled).toBe(false);
  expect(socket.settings.socket_mode_enabled).toBe(true);
  expect(socket.oauth_config).toEqual(http.oauth_config);
  expect(socket.settings.event_subscriptions.bot_events).toEqual(
    http.settings.event_subscriptions.bot_events,
  );
  expect(JSON.stringify(socket)).not.toContain('request_url');
  expect(http.settings.interactivity.request_url).toMatch(/^https:\/\/.+\/slack\/events$/);
});
