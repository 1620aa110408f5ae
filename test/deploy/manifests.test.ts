// Keeps the deploy recipes true to the bridge without Docker or Kubernetes: the Dockerfile, deploy/compose.yaml and
// deploy/kubernetes/bridge.yaml are read and checked against src/config/env.ts and the HTTP surface.
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { envSchema, loadEnv } from '../../src/config/env.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const KNOWN = new Set(Object.keys(envSchema.shape));

type Json = Record<string, unknown>;
const record = (value: unknown): Json => (value ?? {}) as Json;

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => /^[A-Z]+\s/.test(l));

  it('builds on Node 22 LTS and runs dist/main.js as the unprivileged node user', () => {
    const froms = instructions.filter((l) => l.startsWith('FROM '));
    expect(froms).toHaveLength(2);
    for (const from of froms) expect(from).toMatch(/^FROM node:22-bookworm-slim AS (build|runtime)$/);
    expect(instructions).toContain('USER node');
    expect(instructions.at(-1)).toBe('CMD ["node", "dist/main.js"]');
  });

  it('sets only known variables, with the embedded demo default turned off', () => {
    const env = instructions.find((l) => l.startsWith('ENV '))!;
    const pairs = Object.fromEntries(
      [...env.matchAll(/([A-Z_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!] as const),
    );
    expect(pairs.BRIDGE_DEMO).toBe('0');
    for (const name of Object.keys(pairs).filter((n) => n !== 'NODE_ENV'))
      expect(KNOWN, name).toContain(name);
    // the image's environment alone (no upstream) is a configuration error, not a silent demo
    expect(() => loadEnv({ ...pairs })).toThrow(/no upstream configured/);
  });

  it('prunes dev and optional dependencies and the unused runtime files, and ships what the CLI needs', () => {
    const prune = instructions.find((l) => l.includes('npm prune'))!;
    expect(prune).toContain('--omit=dev');
    expect(prune).toContain('--omit=optional');
    expect(prune).toContain('node scripts/prune-runtime.mjs node_modules');
    const runtime = text.slice(text.indexOf('AS runtime'));
    for (const copied of [
      '/app/dist',
      '/app/node_modules',
      '/app/prisma',
      '/app/package.json',
      'scripts/cli.mjs',
    ])
      expect(runtime).toContain(copied);
    expect(runtime).not.toMatch(/COPY .*\bsrc\b/);
  });
});

describe('deploy/compose.yaml', () => {
  const compose = record(parse(read('deploy/compose.yaml')));
  const services = record(compose.services);

  it('runs PostgreSQL 16, two bridge replicas built from the Dockerfile, and one proxy port', () => {
    expect(record(services.postgres).image).toMatch(/^postgres:16/);
    const bridges = Object.keys(services).filter((name) => name.startsWith('bridge-'));
    expect(bridges).toEqual(['bridge-1', 'bridge-2']);
    for (const name of bridges) {
      const bridge = record(services[name]);
      expect(record(bridge.build)).toEqual({ context: '..', dockerfile: 'Dockerfile' });
      expect(record(record(bridge.depends_on).postgres).condition).toBe('service_healthy');
      expect(String(record(bridge.environment).DATABASE_URL)).toMatch(
        /^postgresql:\/\/scim:.*@postgres:5432\/scim_bridge$/,
      );
      expect(bridge.ports).toBeUndefined();
    }
    expect(record(services.proxy).ports).toEqual(['8080:8080']);
    const nginx = read('deploy/nginx.conf');
    for (const name of bridges) expect(nginx).toContain(`server ${name}:8080`);
  });

  it('passes only variables the bridge knows, and never asks for demo mode', () => {
    for (const name of ['bridge-1', 'bridge-2']) {
      const environment = record(record(services[name]).environment);
      for (const key of Object.keys(environment)) expect(KNOWN, `${name}: ${key}`).toContain(key);
      expect(environment.BRIDGE_DEMO).toBeUndefined();
    }
    const example = read('deploy/.env.example');
    for (const [, key] of example.matchAll(/^([A-Z_]+)=/gm))
      if (key !== 'POSTGRES_PASSWORD') expect(KNOWN, `.env.example: ${key}`).toContain(key);
  });
});

describe('deploy/kubernetes/bridge.yaml', () => {
  const docs = parseAllDocuments(read('deploy/kubernetes/bridge.yaml')).map((d) => record(d.toJS()));
  const byKind = (kind: string) => docs.find((d) => d.kind === kind)!;

  it('has a Secret, a Deployment and a Service that select the same pods', () => {
    expect(docs.map((d) => d.kind)).toEqual(['Secret', 'Deployment', 'Service']);
    const deployment = record(byKind('Deployment').spec);
    const labels = record(record(record(deployment.template).metadata).labels);
    expect(record(deployment.selector).matchLabels).toEqual(labels);
    expect(record(byKind('Service').spec).selector).toEqual(labels);
    expect(deployment.replicas).toBe(2);
  });

  it('probes /healthz and /readyz on the container port and takes its credentials from the Secret', () => {
    const pod = record(record(record(byKind('Deployment').spec).template).spec);
    const [container] = pod.containers as Json[];
    const probe = (name: string) => record(record(container![name]).httpGet);
    expect(probe('livenessProbe')).toEqual({ path: '/healthz', port: 'http' });
    expect(probe('startupProbe').path).toBe('/healthz');
    expect(String(probe('readinessProbe').path)).toMatch(/^\/readyz(\?only=[a-z_,]+)?$/);
    const only = String(probe('readinessProbe').path).split('only=')[1]?.split(',') ?? [];
    for (const check of only)
      expect(['database', 'scim_token', 'backlog', 'aac_refresh_token']).toContain(check);
    expect((container!.ports as Json[])[0]).toEqual({ name: 'http', containerPort: 8080 });
    const secretName = record(byKind('Secret').metadata).name;
    expect(container!.envFrom).toEqual([{ secretRef: { name: secretName } }]);
    for (const { name } of container!.env as Array<{ name: string }>) expect(KNOWN, name).toContain(name);
    for (const key of Object.keys(record(byKind('Secret').stringData))) expect(KNOWN, key).toContain(key);
    expect(String(record(byKind('Secret').stringData).DATABASE_URL)).toMatch(/^postgresql:\/\//);
  });
});
