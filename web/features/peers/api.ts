import { request } from '../../app/client';
import type { AddPeer, PeerView, RejectionView } from '../../app/types';

export async function listPeers(): Promise<PeerView[]> {
  const { peers } = await request<{ peers: PeerView[] }>('GET', '/api/federation/peers');
  return peers;
}

export function addPeer(peer: AddPeer): Promise<PeerView> {
  return request<PeerView>('POST', '/api/federation/peers', peer);
}

export function setPeerActive(nodeId: string, active: boolean): Promise<PeerView> {
  const verb = active ? 'resume' : 'suspend';
  return request<PeerView>('POST', `/api/federation/peers/${encodeURIComponent(nodeId)}/${verb}`);
}

export function removePeer(nodeId: string): Promise<void> {
  return request<void>('DELETE', `/api/federation/peers/${encodeURIComponent(nodeId)}`);
}

export async function listRejections(limit = 100): Promise<RejectionView[]> {
  const { rejections } = await request<{ rejections: RejectionView[] }>(
    'GET',
    `/api/federation/rejections?limit=${limit}`,
  );
  return rejections;
}
