/**
 * `npm run start:https`: the server on https://localhost:3000 for a local trial of the add-in in Excel
 * (Office loads add-ins only over HTTPS; the served manifest then points at https://localhost:3000).
 *
 * The certificate, first found wins:
 *   1. TLS_CERT_FILE and TLS_KEY_FILE, if set;
 *   2. ~/.office-addin-dev-certs/localhost.crt and localhost.key — made, and trusted by Windows or
 *      macOS, by `npx office-addin-dev-certs install` (the tool Microsoft's add-in templates use);
 *   3. otherwise made here with office-addin-dev-certs' own generator (a development CA and a localhost
 *      certificate in the same folder, valid 30 days), without touching the system's trust store —
 *      Linux has no desktop Excel, and CI has no trust store to change; the banner says how to trust it.
 *
 * The trial listens on 127.0.0.1 only and keeps the demo (its logins work here, although TLS is set,
 * because nobody but this computer can reach it). Then this same process becomes the server.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const DEV_CERTS_DIR = path.join(os.homedir(), '.office-addin-dev-certs');

function usable(cert: string, key: string): boolean {
  if (!fs.existsSync(cert) || !fs.existsSync(key)) return false;
  try {
    // Expired certificates are made again (office-addin-dev-certs makes them for 30 days).
    return new Date(new X509Certificate(fs.readFileSync(cert)).validTo).getTime() > Date.now() + 3_600_000;
  } catch {
    return false;
  }
}

export async function localhostCertificate(dir = DEV_CERTS_DIR): Promise<{ cert: string; key: string; ca: string | null; made: boolean }> {
  const cert = path.join(dir, 'localhost.crt');
  const key = path.join(dir, 'localhost.key');
  const ca = path.join(dir, 'ca.crt');
  if (usable(cert, key)) return { cert, key, ca: fs.existsSync(ca) ? ca : null, made: false };
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { generateCertificates } = await import('office-addin-dev-certs');
  await generateCertificates(ca, cert, key, 30, ['localhost', '127.0.0.1']);
  fs.chmodSync(key, 0o600);
  return { cert, key, ca, made: true };
}

async function main(): Promise<void> {
  const env = process.env;
  if (!(env.TLS_CERT_FILE && env.TLS_KEY_FILE)) {
    const c = await localhostCertificate();
    env.TLS_CERT_FILE = c.cert;
    env.TLS_KEY_FILE = c.key;
    console.log(`Сертификат для localhost: ${c.cert}${c.made ? ' (создан сейчас)' : ''}`);
    if (c.made && c.ca) {
      console.log(
        `  Чтобы Excel и браузер ему доверяли: Windows и macOS — «npx office-addin-dev-certs install»;\n` +
          `  Linux (Excel в браузере) — импортировать ${c.ca} в браузер как удостоверяющий центр.`,
      );
    }
  }
  env.PORT ||= '3000';
  env.HOST ||= '127.0.0.1';
  if (['127.0.0.1', '::1', 'localhost'].includes(env.HOST)) {
    env.DEMO ||= env.DATABASE_URL ? '0' : '1';
    env.ALLOW_DEMO_LOGINS ||= '1';
  }
  await import('../server/main');
}

main().catch((err: Error) => {
  console.error(`Сервер не запустился: ${err.message}`);
  process.exit(1);
});
