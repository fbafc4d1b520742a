import { request } from '../../app/client';
import type { ContactBody, ContactView } from '../../app/types';

export async function listContacts(node?: string): Promise<ContactView[]> {
  const query = node ? `?node=${encodeURIComponent(node)}` : '';
  const { contacts } = await request<{ contacts: ContactView[] }>('GET', `/api/contacts${query}`);
  return contacts;
}

export function createContact(body: ContactBody): Promise<ContactView> {
  return request<ContactView>('POST', '/api/contacts', body);
}

export function updateContact(id: string, body: ContactBody): Promise<ContactView> {
  return request<ContactView>('PUT', `/api/contacts/${encodeURIComponent(id)}`, body);
}

export function confirmContact(id: string): Promise<ContactView> {
  return request<ContactView>('POST', `/api/contacts/${encodeURIComponent(id)}/confirm`);
}

export function removeContact(id: string): Promise<void> {
  return request<void>('DELETE', `/api/contacts/${encodeURIComponent(id)}`);
}
