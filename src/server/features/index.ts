import { accountsModule } from './accounts/index.js';
import { attentionModule } from './attention/index.js';
import { arrangementsModule } from './arrangements/index.js';
import { casesModule } from './cases/index.js';
import { contactsModule } from './contacts/index.js';
import { dialoguesModule } from './dialogues/index.js';
import { exercisesModule } from './exercises/index.js';
import { hotlineModule } from './hotline/index.js';
import type { FeatureFactory } from './module.js';
import { notesModule } from './notes/index.js';
import { pingsModule } from './pings/index.js';
import { reportsModule } from './reports/index.js';
import { requestsModule } from './requests/index.js';
import { searchModule } from './search/index.js';
import { taxiiModule } from './taxii/index.js';

/**
 * Every feature of the node, in the order they are created: a feature may `use()` the
 * services of those before it. Adding a feature is one folder and one line here.
 */
export const FEATURES: readonly FeatureFactory[] = [
  searchModule,
  attentionModule,
  accountsModule,
  notesModule,
  contactsModule,
  arrangementsModule,
  requestsModule,
  pingsModule,
  hotlineModule,
  casesModule,
  taxiiModule,
  exercisesModule,
  dialoguesModule,
  reportsModule,
];
