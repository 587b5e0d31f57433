// Resolves a host name for an outgoing connection and refuses it when the name or any of its
// addresses is link-local or a cloud metadata endpoint. Callers connect to the returned
// address, never the name again: a second lookup could answer otherwise (DNS rebinding).

import { lookup } from 'node:dns/promises';
import { forbiddenAddressReason, forbiddenHostReason } from './address-guard.ts';

export type Resolution =
  | { readonly ok: true; readonly address: string }
  | {
      readonly ok: false;
      readonly code: 'ADDRESS_FORBIDDEN' | 'CONNECTION_FAILED';
      readonly message: string;
    };

export async function resolveAllowedAddress(host: string): Promise<Resolution> {
  const refused = forbiddenHostReason(host);
  if (refused !== undefined) return forbidden(host, refused);
  try {
    const addresses = await lookup(host, { all: true });
    for (const { address } of addresses) {
      const reason = forbiddenAddressReason(address);
      if (reason !== undefined) return forbidden(host, `resolves to ${address}, which ${reason}`);
    }
    const first = addresses[0];
    if (first === undefined) throw new Error('no address');
    return { ok: true, address: first.address };
  } catch {
    return { ok: false, code: 'CONNECTION_FAILED', message: `cannot resolve host name ${host}` };
  }
}

function forbidden(host: string, reason: string): Resolution {
  return { ok: false, code: 'ADDRESS_FORBIDDEN', message: `host ${host} ${reason}` };
}
