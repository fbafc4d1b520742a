/** One event of a Server-Sent Events stream, as a client parses it. */
export interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

export interface SseClient {
  status: number;
  events: SseEvent[];
  comments: string[];
  readonly ended: boolean;
  close(): Promise<void>;
}

/** A real SSE client over HTTP (fetch): collects the events and the comment lines. */
export async function openSse(
  url: string,
  auth: { cookie: string } | { bearer: string },
  lastEventId?: string,
): Promise<SseClient> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: {
      ...('bearer' in auth ? { authorization: `Bearer ${auth.bearer}` } : { cookie: auth.cookie }),
      accept: 'text/event-stream',
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    },
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let ended = false;
  if (!response.body) throw new Error('no body');
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const parse = (block: string): void => {
    const event: SseEvent = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments.push(line.slice(1).trim());
      else if (line.startsWith('id: ')) event.id = line.slice(4);
      else if (line.startsWith('event: ')) event.event = line.slice(7);
      else if (line.startsWith('data: ')) event.data = line.slice(6);
    }
    if (event.event) events.push(event);
  };
  const pump = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let index: number;
        while ((index = buffer.indexOf('\n\n')) >= 0) {
          parse(buffer.slice(0, index));
          buffer = buffer.slice(index + 2);
        }
      }
    } catch {
      // aborted
    }
    ended = true;
  })();
  return {
    status: response.status,
    events,
    comments,
    get ended() {
      return ended;
    },
    async close() {
      controller.abort();
      await pump;
    },
  };
}
