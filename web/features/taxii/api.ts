import { request } from '../../app/client';
import type {
  CollectionAdminView,
  CollectionBody,
  SubscriptionBody,
  SubscriptionView,
  TokenView,
} from '../../app/types';

/** My tokens; with `all`, every active token of the node (the admin). */
export async function listTokens(all = false): Promise<TokenView[]> {
  const { tokens } = await request<{ tokens: TokenView[] }>(
    'GET',
    all ? '/api/tokens?all=true' : '/api/tokens',
  );
  return tokens;
}

export async function listTaxiiCollections(): Promise<CollectionAdminView[]> {
  const { collections } = await request<{ collections: CollectionAdminView[] }>(
    'GET',
    '/api/taxii/collections',
  );
  return collections;
}

export function createTaxiiCollection(body: CollectionBody): Promise<CollectionAdminView> {
  return request<CollectionAdminView>('POST', '/api/taxii/collections', body);
}

export function updateTaxiiCollection(
  id: string,
  body: CollectionBody,
): Promise<CollectionAdminView> {
  return request<CollectionAdminView>(
    'PUT',
    `/api/taxii/collections/${encodeURIComponent(id)}`,
    body,
  );
}

export function removeTaxiiCollection(id: string): Promise<void> {
  return request<void>('DELETE', `/api/taxii/collections/${encodeURIComponent(id)}`);
}

export async function listTaxiiSubscriptions(): Promise<SubscriptionView[]> {
  const { subscriptions } = await request<{ subscriptions: SubscriptionView[] }>(
    'GET',
    '/api/taxii/subscriptions',
  );
  return subscriptions;
}

export function createTaxiiSubscription(body: SubscriptionBody): Promise<SubscriptionView> {
  return request<SubscriptionView>('POST', '/api/taxii/subscriptions', body);
}

export function pollTaxiiSubscription(id: string): Promise<SubscriptionView> {
  return request<SubscriptionView>(
    'POST',
    `/api/taxii/subscriptions/${encodeURIComponent(id)}/poll`,
  );
}

export function removeTaxiiSubscription(id: string): Promise<void> {
  return request<void>('DELETE', `/api/taxii/subscriptions/${encodeURIComponent(id)}`);
}
