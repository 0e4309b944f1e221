import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

// A throwaway CA, a server certificate for one IP and a client certificate, made with the openssl
// CLI (ECDSA P-256, like `consul tls`), for the HTTPS tests of the stand-ins.

export interface TestPki {
  ca: string;
  cert: string;
  key: string;
  clientCert: string;
  clientKey: string;
}

function ossl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

export function makePki(dir: string, serverIp: string): TestPki {
  const p = (n: string) => path.join(dir, n);
  ossl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca-key.pem'], dir);
  ossl(['req', '-x509', '-new', '-key', 'ca-key.pem', '-subj', '/CN=Test CA', '-days', '2', '-out', 'ca.pem'], dir);
  for (const [name, san] of [
    ['server', `IP:${serverIp},DNS:localhost,DNS:server.dc1.consul`],
    ['client', 'DNS:client.dc1.consul'],
  ] as const) {
    ossl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}-key.pem`], dir);
    ossl(['req', '-new', '-key', `${name}-key.pem`, '-subj', `/CN=${name}.dc1.consul`, '-out', `${name}.csr`], dir);
    writeFileSync(p(`${name}.ext`), `subjectAltName=${san}\nextendedKeyUsage=serverAuth,clientAuth\n`);
    ossl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`], dir);
  }
  return { ca: p('ca.pem'), cert: p('server.pem'), key: p('server-key.pem'), clientCert: p('client.pem'), clientKey: p('client-key.pem') };
}
