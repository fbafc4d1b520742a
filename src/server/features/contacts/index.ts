import type { FeatureFactory } from '../module.js';
import { contactMessages } from './contacts.messages.js';
import { registerContactsRoutes } from './contacts.routes.js';
import { ContactsService } from './contacts.service.js';

declare module '../module.js' {
  interface FeatureServices {
    contacts: ContactsService;
  }
}

/** The contacts directory; published contacts kept current on peers. */
export const contactsModule: FeatureFactory = (ctx) => {
  const contacts = new ContactsService(ctx);
  return {
    name: 'contacts',
    services: { contacts },
    kinds: contactMessages(ctx.clock, contacts),
    routes: (app) => registerContactsRoutes(app, contacts),
  };
};
