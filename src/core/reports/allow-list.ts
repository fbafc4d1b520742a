/**
 * A starter allow-list: known-benign values a node may choose to drop from extractions. Each
 * entry says why; a dropped value is returned in `dropped` with this reason, never hidden.
 * A node's own list (per-node configuration, later work) replaces or extends this one.
 */
import type { AllowListEntry } from './types.js';

export const DEFAULT_ALLOW_LIST: readonly AllowListEntry[] = [
  { type: 'ipv4', value: '8.8.8.8', reason: 'Google Public DNS resolver, contacted by most hosts' },
  { type: 'ipv4', value: '8.8.4.4', reason: 'Google Public DNS resolver, contacted by most hosts' },
  {
    type: 'ipv4',
    value: '1.1.1.1',
    reason: 'Cloudflare public DNS resolver, contacted by most hosts',
  },
  { type: 'ipv4', value: '127.0.0.1', reason: 'Loopback address, never a remote host' },
  {
    type: 'domain',
    value: 'example.com',
    subdomains: true,
    reason: 'Reserved for documentation (RFC 2606)',
  },
  {
    type: 'domain',
    value: 'example.org',
    subdomains: true,
    reason: 'Reserved for documentation (RFC 2606)',
  },
  {
    type: 'domain',
    value: 'microsoft.com',
    subdomains: true,
    reason: 'Vendor site, linked from advisories',
  },
  {
    type: 'domain',
    value: 'virustotal.com',
    subdomains: true,
    reason: 'Analysis service, linked from reports',
  },
  {
    type: 'domain',
    value: 'windowsupdate.com',
    subdomains: true,
    reason: 'Operating system update service',
  },
];
