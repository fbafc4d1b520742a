import { useEffect, useRef, useState } from 'react';
import type { PeerView } from '../../../app/types';
import { listPeers } from '../api';

/**
 * The active peers, read once (null until read), for a form that addresses one: `onOnly`
 * is given the only peer's node id when there is just one (the form chooses it), `onError`
 * what went wrong.
 */
export function useActivePeers(
  onOnly: (nodeId: string) => void,
  onError: (error: unknown) => void,
): PeerView[] | null {
  const [peers, setPeers] = useState<PeerView[] | null>(null);
  const latest = useRef({ onOnly, onError });
  useEffect(() => {
    latest.current = { onOnly, onError };
  }, [onOnly, onError]);
  useEffect(() => {
    let live = true;
    listPeers().then(
      (list) => {
        if (!live) return;
        const active = list.filter((p) => p.status === 'active');
        setPeers(active);
        if (active.length === 1 && active[0]) latest.current.onOnly(active[0].nodeId);
      },
      (error: unknown) => {
        if (live) latest.current.onError(error);
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return peers;
}
