import type app from './en.json';
import type accounts from '../../features/accounts/i18n/en.json';
import type audit from '../../features/audit/i18n/en.json';
import type cases from '../../features/cases/i18n/en.json';
import type contacts from '../../features/contacts/i18n/en.json';
import type dialogues from '../../features/dialogues/i18n/en.json';
import type exercises from '../../features/exercises/i18n/en.json';
import type figures from '../../features/figures/i18n/en.json';
import type home from '../../features/home/i18n/en.json';
import type hotline from '../../features/hotline/i18n/en.json';
import type notes from '../../features/notes/i18n/en.json';
import type peers from '../../features/peers/i18n/en.json';
import type pings from '../../features/pings/i18n/en.json';
import type reports from '../../features/reports/i18n/en.json';
import type requests from '../../features/requests/i18n/en.json';
import type search from '../../features/search/i18n/en.json';
import type taxii from '../../features/taxii/i18n/en.json';
import type ui from '../../ui/i18n/en.json';

// Makes t('…') keys checked at compile time against the English strings of the app and of
// every feature (each feature registers its own at run time; see addStrings in ./index.ts).
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: {
      translation: typeof app &
        typeof ui &
        typeof accounts &
        typeof audit &
        typeof cases &
        typeof contacts &
        typeof dialogues &
        typeof exercises &
        typeof figures &
        typeof home &
        typeof hotline &
        typeof notes &
        typeof peers &
        typeof pings &
        typeof reports &
        typeof requests &
        typeof search &
        typeof taxii;
    };
  }
}
