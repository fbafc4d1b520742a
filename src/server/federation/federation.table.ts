import type { Generated, Selectable } from 'kysely';

export type PeerStatus = 'active' | 'suspended' | 'removed';

export interface PeersTable {
  node_id: string;
  url: string;
  name: string;
  country: string;
  time_zone: string;
  /** Pinned public keys (JWK JSON). */
  signing_jwk: string;
  encryption_jwk: string;
  fingerprint: string;
  /** JSON array of the message kinds the peer accepts (from its descriptor). */
  message_kinds: string;
  status: PeerStatus;
  created_at: number;
  updated_at: number;
  /** The first sequence of the peer's stream its pinned signing key signs (key rotation). */
  signing_from_seq: Generated<number>;
}
export type PeerRow = Selectable<PeersTable>;

/** The sending side of the stream to one peer. */
export interface StreamOutTable {
  peer_id: string;
  /** The last sequence number given to a message. */
  last_seq: number;
  /** The last sequence number the peer confirmed applied. */
  acked_seq: number;
  last_attempt_at: number | null;
  last_success_at: number | null;
  last_error_code: string | null;
  last_error: string | null;
  last_error_at: number | null;
  failures: number;
  peer_up: number;
  /** Which process dispatches this stream (several may share PostgreSQL). */
  lease_owner: string | null;
  lease_until: number | null;
  /** The key id that signs the next message (null: the node's one key, before any rotation). */
  signing_kid: Generated<string | null>;
  /**
   * After a restore (until the peer agreed): the stream ended at resume_after in the backup
   * and continues at resume_at; null otherwise.
   */
  resume_after: Generated<number | null>;
  resume_at: Generated<number | null>;
}
export type StreamOutRow = Selectable<StreamOutTable>;

export interface OutboxTable {
  peer_id: string;
  seq: number;
  message_id: string;
  kind: string;
  /** The sealed envelope (compact JWE), made in the transaction of the change. */
  envelope: string;
  /** Its length in bytes. */
  size: number;
  created_at: number;
}
export type OutboxRow = Selectable<OutboxTable>;

/** Messages the peer acknowledged, kept a while to send again to a peer restored from a backup. */
export type OutboxSentTable = OutboxTable;

/** Each restore of this node from a backup, with the head of the audit chain in the backup. */
export interface NodeRestoresTable {
  id: string;
  restored_at: number;
  backup_created_at: number;
  audit_seq: number;
  audit_hash: string;
}

/** A peer's checkpoints beyond the head its restore went back to: the history it lost. */
export interface AuditCheckpointsSupersededTable extends AuditCheckpointsReceivedTable {
  superseded_at: number;
}

/** The nonces of the resumes peers sent, while such a resume could still be taken. */
export interface ResumeNoncesTable {
  peer_id: string;
  nonce: string;
  received_at: number;
}

/** The receiving side: the watermark. */
export interface StreamInTable {
  peer_id: string;
  applied_seq: number;
  last_received_at: number | null;
}

/** Messages a handler refused: 'in' recorded by the receiver, 'out' as reported back to the sender. */
export interface MessageRejectionsTable {
  id: string;
  direction: 'in' | 'out';
  peer_id: string;
  seq: number;
  message_id: string;
  kind: string;
  code: string;
  reason: string;
  at: number;
}
export type MessageRejectionRow = Selectable<MessageRejectionsTable>;

export interface AuditCheckpointsSentTable {
  seq: number;
  hash: string;
  at: number;
}

export interface AuditCheckpointsReceivedTable {
  peer_id: string;
  seq: number;
  hash: string;
  signed_at: string;
  received_at: number;
}

/** This node's keys by id (private parts in DATA/keys): current, or retired until expires_at. */
export interface NodeKeysTable {
  kid: string;
  use: 'sig' | 'enc';
  public_jwk: string;
  state: 'current' | 'retired';
  created_at: number;
  retired_at: number | null;
  expires_at: number | null;
}
export type NodeKeyRow = Selectable<NodeKeysTable>;

/** A peer's signing keys before the pinned one: each signs its stream from_seq..until_seq. */
export interface PeerRetiredKeysTable {
  peer_id: string;
  kid: string;
  jwk: string;
  from_seq: number;
  until_seq: number;
  expires_at: number;
}
export type PeerRetiredKeyRow = Selectable<PeerRetiredKeysTable>;

export interface FederationTables {
  node_keys: NodeKeysTable;
  peer_retired_keys: PeerRetiredKeysTable;
  peers: PeersTable;
  stream_out: StreamOutTable;
  outbox: OutboxTable;
  outbox_sent: OutboxSentTable;
  node_restores: NodeRestoresTable;
  audit_checkpoints_superseded: AuditCheckpointsSupersededTable;
  stream_in: StreamInTable;
  resume_nonces: ResumeNoncesTable;
  message_rejections: MessageRejectionsTable;
  audit_checkpoints_sent: AuditCheckpointsSentTable;
  audit_checkpoints_received: AuditCheckpointsReceivedTable;
}
