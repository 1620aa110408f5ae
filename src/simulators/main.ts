// `npm run simulators`: both simulators on 127.0.0.1 until SIGINT/SIGTERM. Ports and credentials from the
// environment (defaults in SIMULATOR_DEFAULTS; see docs/simulators.md). Secrets are not printed.
import { SIMULATOR_DEFAULTS, startSimulators } from './index.js';

function intFromEnv(name: string, fallback: number, min: number, max: number, what: string): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    console.error(`${name} must be ${what}, got "${raw}"`);
    process.exit(1);
  }
  return value;
}

const port = (name: string, fallback: number) =>
  intFromEnv(name, fallback, 0, 65_535, 'a port number (0-65535)');

const running = await startSimulators({
  aacPort: port('SIM_AAC_PORT', 4010),
  serverPort: port('SIM_SERVER_PORT', 4020),
  aacClientId: process.env.SIM_AAC_CLIENT_ID || SIMULATOR_DEFAULTS.aacClientId,
  aacRefreshToken: process.env.SIM_AAC_REFRESH_TOKEN || SIMULATOR_DEFAULTS.aacRefreshToken,
  // A workspace id is any positive integer (real ones are not bounded by the port range).
  aacWorkspaceId: intFromEnv(
    'SIM_AAC_WORKSPACE_ID',
    SIMULATOR_DEFAULTS.aacWorkspaceId,
    1,
    Number.MAX_SAFE_INTEGER - 1,
    'a positive integer',
  ),
  serverClientId: process.env.SIM_SERVER_CLIENT_ID || SIMULATOR_DEFAULTS.serverClientId,
  serverClientSecret: process.env.SIM_SERVER_CLIENT_SECRET || SIMULATOR_DEFAULTS.serverClientSecret,
});

console.log(`AAC simulator:    ${running.aac.baseUrl}/v4  (gateway ${running.aac.baseUrl}/iam/v1)`);
console.log(
  `  token endpoint: ${running.aac.tokenUrl}  client_id=${running.aac.clientId}  workspace=${running.aac.workspaceId}`,
);
console.log(`  controls:       ${running.aac.baseUrl}/__sim/`);
console.log(
  `Server simulator: ${running.server.baseUrl}/v3  (token ${running.server.baseUrl}/oauth2/token, key ${running.server.clientId})`,
);
console.log(`  controls:       ${running.server.origin}/__sim/`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal} received, stopping simulators`);
  await running.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
