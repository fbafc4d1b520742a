import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './cli.js';
import { freePort } from './cluster.js';

/**
 * nginx in front of node processes, from the deployment's own file (deploy/nginx/liaison.conf),
 * not a copy: `renderLiaisonConf` replaces only its marked blocks (`# @name` … `# @end`):
 * the upstream's servers by the given ports (each line like the file's first one), the
 * redirect server by nothing, and the TLS listen lines by a plain-HTTP listen on loopback.
 * `startNginx` runs it as this user's child process, everything (pid, logs, temporary
 * files) under a temporary prefix, on a free port.
 */
export const DEPLOY_NGINX_CONF = path.join(ROOT, 'deploy/nginx/liaison.conf');

/** Where Debian installs nginx (root's PATH has /usr/sbin; a user's may not). */
function nginxBinary(): string {
  for (const candidate of ['/usr/sbin/nginx', '/usr/bin/nginx']) {
    if (spawnSync(candidate, ['-v']).status === 0) return candidate;
  }
  const found = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  const name = found.stdout.trim();
  if (found.status === 0 && name) return name;
  throw new Error('nginx is not installed: .ci/run installs it (apt-get install nginx)');
}

/** Replaces the block between `# @name` and its `# @end` (markers included) with `lines`. */
function replaceBlock(conf: string, name: string, make: (block: string[]) => string[]): string {
  const lines = conf.split('\n');
  const start = lines.findIndex((line) => line.trim() === `# @${name}`);
  const end = lines.findIndex((line, i) => i > start && line.trim() === '# @end');
  if (start === -1 || end === -1) {
    throw new Error(`${DEPLOY_NGINX_CONF} has no "# @${name}" … "# @end" block`);
  }
  const replaced = make(lines.slice(start + 1, end));
  return [...lines.slice(0, start), ...replaced, ...lines.slice(end + 1)].join('\n');
}

/** deploy/nginx/liaison.conf with the test's upstream ports and listen address. */
export function renderLiaisonConf(options: { upstreams: number[]; listen: string }): string {
  let conf = readFileSync(DEPLOY_NGINX_CONF, 'utf8');
  conf = replaceBlock(conf, 'upstreams', (block) => {
    const model = block.find((line) => /^\s*server\s+\S+:\d+/.test(line));
    if (!model) throw new Error(`${DEPLOY_NGINX_CONF}: no server line in @upstreams`);
    return options.upstreams.map((port) =>
      model.replace(/server\s+\S+:\d+/, `server 127.0.0.1:${port}`),
    );
  });
  conf = replaceBlock(conf, 'redirect', () => []);
  conf = replaceBlock(conf, 'listen', (block) => {
    const indent = /^\s*/.exec(block[0] ?? '')?.[0] ?? '';
    return [`${indent}listen ${options.listen};`];
  });
  return conf;
}

/** The main file around it, as /etc/nginx/nginx.conf would be, but under `prefix`. */
function mainConf(prefix: string, site: string): string {
  const temp = (name: string) => path.join(prefix, 'temp', name);
  return [
    'worker_processes 1;',
    `pid ${path.join(prefix, 'nginx.pid')};`,
    `error_log ${path.join(prefix, 'error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    `  access_log ${path.join(prefix, 'access.log')};`,
    `  client_body_temp_path ${temp('body')};`,
    `  proxy_temp_path ${temp('proxy')};`,
    `  fastcgi_temp_path ${temp('fastcgi')};`,
    `  uwsgi_temp_path ${temp('uwsgi')};`,
    `  scgi_temp_path ${temp('scgi')};`,
    '  include /etc/nginx/mime.types;',
    '  default_type application/octet-stream;',
    `  include ${site};`,
    '}',
    '',
  ].join('\n');
}

export interface Nginx {
  url: string;
  port: number;
  prefix: string;
  /** nginx's error log so far (for failure messages). */
  errors(): string;
  /** Stops nginx (SIGTERM, SIGKILL after 5 s). */
  stop(): Promise<void>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Checks a rendered configuration with `nginx -t`; throws nginx's message if it fails. */
export function checkNginxConf(upstreams: number[]): void {
  const prefix = prepare(upstreams, 'check', 1);
  try {
    const result = spawnSync(nginxBinary(), testArgs(prefix, ['-t']), { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`nginx -t failed:\n${result.stderr}`);
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
}

function testArgs(prefix: string, extra: string[]): string[] {
  return [
    '-p',
    prefix,
    '-c',
    path.join(prefix, 'nginx.conf'),
    '-e',
    path.join(prefix, 'error.log'),
    ...extra,
  ];
}

/** A prefix directory with the rendered site and the main file; returns it. */
function prepare(upstreams: number[], label: string, port: number): string {
  const prefix = mkdtempSync(path.join(tmpdir(), `liaison-nginx-${label}-`));
  // Workers run as nobody when nginx is started by root: they must reach the temp files.
  chmodSync(prefix, 0o755);
  mkdirSync(path.join(prefix, 'temp'), { mode: 0o755 });
  const site = path.join(prefix, 'liaison.conf');
  writeFileSync(site, renderLiaisonConf({ upstreams, listen: `127.0.0.1:${port}` }));
  writeFileSync(path.join(prefix, 'nginx.conf'), mainConf(prefix, site));
  return prefix;
}

/** nginx on a free loopback port in front of the processes listening on `upstreams`. */
export async function startNginx(upstreams: number[], label = 'lb'): Promise<Nginx> {
  const port = await freePort();
  const prefix = prepare(upstreams, label, port);
  const errorLog = path.join(prefix, 'error.log');
  const errors = () => {
    try {
      return readFileSync(errorLog, 'utf8');
    } catch {
      return '';
    }
  };
  const child: ChildProcess = spawn(nginxBinary(), testArgs(prefix, ['-g', 'daemon off;']), {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 10_000;
  while (!(await portOpen(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not start on ${port}:\n${stderr}\n${errors()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  let stopped: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    prefix,
    errors,
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(prefix, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
