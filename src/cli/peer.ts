import type { Command } from 'commander';
import { AddPeerBody, type PeerView } from '../core/schemas/federation.js';
import { SendNoteBody } from '../core/schemas/notes.js';
import { cliActor, printJson, printTable, wantsJson, withLocalNode } from './common.js';

function printPeers(peers: PeerView[]): void {
  printTable(
    ['NODE', 'NAME', 'STATUS', 'UP', 'SENT', 'ACKED', 'BACKLOG', 'APPLIED', 'LAST ERROR'],
    peers.map((p) => [
      p.nodeId,
      p.name,
      p.status,
      p.ledger.peerUp ? 'yes' : 'NO',
      String(p.ledger.lastSent),
      String(p.ledger.lastAcknowledged),
      String(p.ledger.backlog),
      String(p.ledger.lastApplied),
      p.ledger.lastError ? `${p.ledger.lastError.code}: ${p.ledger.lastError.message}` : '',
    ]),
  );
}

export function registerPeer(program: Command): void {
  const peer = program.command('peer').description('the nodes this node federates with');

  peer
    .command('add <url>')
    .description(
      'peer with a node: fetch its descriptor, compare the fingerprint read to you, pin its keys',
    )
    .requiredOption(
      '--fingerprint <fp>',
      'the twelve groups of five digits the other side read to you',
    )
    .option('--json', 'print as JSON')
    .action(async (url: string, opts: { fingerprint: string }, command: Command) => {
      const body = AddPeerBody.parse({ url, fingerprint: opts.fingerprint });
      const added = await withLocalNode(command, (node) =>
        node.federation.peers.add(cliActor(), body),
      );
      if (wantsJson(command)) return printJson(added);
      process.stdout.write(
        `Peered with ${added.name} (${added.nodeId}) at ${added.url}; keys pinned.\n`,
      );
      process.stdout.write('Messages flow once the other side has added this node too.\n');
    });

  peer
    .command('list')
    .description('peers and their delivery ledger')
    .option('--json', 'print as JSON')
    .action(async (_opts: unknown, command: Command) => {
      const peers = await withLocalNode(command, (node) => node.federation.peers.list(cliActor()));
      if (wantsJson(command)) printJson({ peers });
      else printPeers(peers);
    });

  for (const [verb, status, help] of [
    ['suspend', 'suspended', 'stop sending to and accepting from a peer, keeping its stream'],
    ['resume', 'active', 'resume a suspended peer'],
    ['remove', 'removed', 'remove a peer: its envelopes are refused from now on'],
  ] as const) {
    peer
      .command(`${verb} <nodeId>`)
      .description(help)
      .action(async (nodeId: string, _opts: unknown, command: Command) => {
        await withLocalNode(command, (node) =>
          node.federation.peers.setStatus(cliActor(), nodeId, status),
        );
        process.stdout.write(`Peer ${nodeId} ${status === 'active' ? 'resumed' : status}.\n`);
      });
  }

  program
    .command('note <peer> <text>')
    .description('send a short note to a peer over the stream (liaison.note)')
    .option('--json', 'print as JSON')
    .action(async (peerId: string, text: string, _opts: unknown, command: Command) => {
      const body = SendNoteBody.parse({ peer: peerId, text });
      const note = await withLocalNode(command, (node) => node.notes.send(cliActor(), body));
      if (wantsJson(command)) return printJson(note);
      process.stdout.write(`Note queued for ${peerId} as message ${note.seq}.\n`);
    });
}
