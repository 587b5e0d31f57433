// Resolves a host name for an outgoing connection and refuses it when the name or any of its
// addresses is link-local or a cloud metadata endpoint. Callers connect to the returned
// address, never the name again: a second lookup could answer otherwise (DNS rebinding).

import { lookup as dnsLookup } from 'node:dns/promises';
import { forbiddenAddressReason, forbiddenHostReason } from './address-guard.ts';

export type Resolution =
  | { readonly ok: true; readonly address: string }
  | {
      readonly ok: false;
      readonly code: 'ADDRESS_FORBIDDEN' | 'CONNECTION_FAILED';
      readonly message: string;
    };

/** Every address of a host name (node:dns's lookup with `all: true`); injected by tests. */
export type HostLookup = (host: string) => Promise<readonly { readonly address: string }[]>;

const systemLookup: HostLookup = (host) => dnsLookup(host, { all: true });

export async function resolveAllowedAddress(
  host: string,
  lookup: HostLookup = systemLookup,
): Promise<Resolution> {
  const refused = forbiddenHostReason(host);
  if (refused !== undefined) return forbidden(host, refused);
  let addresses: readonly { readonly address: string }[];
  try {
    addresses = await lookup(host);
  } catch {
    return { ok: false, code: 'CONNECTION_FAILED', message: `cannot resolve host name ${host}` };
  }
  for (const { address } of addresses) {
    const reason = forbiddenAddressReason(address);
    if (reason !== undefined) return forbidden(host, `resolves to ${address}, which ${reason}`);
  }
  const first = addresses[0];
  if (first === undefined) {
    return { ok: false, code: 'CONNECTION_FAILED', message: `host name ${host} has no address` };
  }
  return { ok: true, address: first.address };
}

function forbidden(host: string, reason: string): Resolution {
  return { ok: false, code: 'ADDRESS_FORBIDDEN', message: `host ${host} ${reason}` };
}
