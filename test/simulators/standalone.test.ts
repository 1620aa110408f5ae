// `npm run simulators` (src/simulators/main.ts): starts both simulators on the ports from the environment, prints the
// base URLs without secrets, serves the seeded credentials, and exits 0 on SIGTERM.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { http, obj } from './http.js';

describe('standalone simulators (main.ts)', () => {
  it('prints base URLs, accepts the env credentials, and shuts down gracefully on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulators/main.ts'], {
      env: {
        ...process.env,
        SIM_AAC_PORT: '0',
        SIM_SERVER_PORT: '0',
        SIM_AAC_CLIENT_ID: 'env-client',
        SIM_AAC_REFRESH_TOKEN: 'env-refresh-secret',
        SIM_AAC_WORKSPACE_ID: '1234567', // above the port range: must not be parsed as a port
        SIM_SERVER_CLIENT_ID: 'env-key',
        SIM_SERVER_CLIENT_SECRET: 'env-secret-value',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let output = '';
    const urls = await new Promise<{ aac: string; server: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URLs printed: ${output}`)), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const aac = /AAC simulator:\s+(http:\/\/127\.0\.0\.1:\d+)\/v4/.exec(output);
        const server = /Server simulator:\s+(http:\/\/127\.0\.0\.1:\d+\/webapi)\/v3/.exec(output);
        if (aac?.[1] && server?.[1] && output.includes('controls:') && output.split('controls:').length > 2) {
          clearTimeout(timer);
          resolve({ aac: aac[1], server: server[1] });
        }
      });
    });
    try {
      expect(output).not.toContain('env-refresh-secret');
      expect(output).not.toContain('env-secret-value');
      const grant = await http('POST', `${urls.aac}/as/token`, {
        form: { grant_type: 'refresh_token', refresh_token: 'env-refresh-secret', client_id: 'env-client' },
      });
      expect(grant.status).toBe(200);
      const current = await http('GET', `${urls.aac}/v4/workspaces/current`, {
        token: String(obj(grant.body).access_token),
      });
      expect(obj(current.body).id).toBe(1234567);
      const token = await http('POST', `${urls.server}/oauth2/token`, {
        form: { grant_type: 'client_credentials', client_id: 'env-key', client_secret: 'env-secret-value' },
      });
      expect(token.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
