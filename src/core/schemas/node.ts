import { z } from 'zod';

export const NodeView = z.object({
  nodeId: z.string(),
  name: z.string(),
  country: z.string(),
  timeZone: z.string(),
  fingerprint: z.string(),
  version: z.string(),
});
export type NodeView = z.infer<typeof NodeView>;
