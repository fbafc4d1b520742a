import { DEFAULT_ACKNOWLEDGE_MINUTES } from './hotline.js';
import type { DeadlineClock } from './deadlines.js';
import { DEFAULT_REQUIRED_FIELDS } from './requests.js';
import type { ArrangementTerms } from './schemas/arrangements.js';

/**
 * The arrangement that applies between two nodes until they accept one of their own: built
 * from the Council of Europe T-CY templates for preservation (Budapest Convention, Art. 29
 * and 30) and for subscriber information (Art. 31), with the clocks below. Every figure
 * here is a starting point the sides change by proposing and accepting a new version.
 */
const days = (amount: number): DeadlineClock => ({ amount, unit: 'days' });
const hours = (amount: number): DeadlineClock => ({ amount, unit: 'hours' });
/** Time to acknowledge and time to respond, from sending. */
const answer = (acknowledge: DeadlineClock, respond: DeadlineClock) => ({ acknowledge, respond });

export const DEFAULT_ARRANGEMENT: ArrangementTerms = {
  title: 'Default arrangement (Council of Europe T-CY templates)',
  languages: ['en', 'zh'],
  dueSoonPercent: 75,
  hotline: { acknowledgeMinutes: DEFAULT_ACKNOWLEDGE_MINUTES },
  requestTypes: {
    preservation: {
      allowed: true,
      requiredFields: [...DEFAULT_REQUIRED_FIELDS.preservation],
      deadlines: {
        routine: answer(days(1), days(3)),
        urgent: answer(hours(4), days(1)),
      },
      preservation: {
        period: days(60),
        extension: days(30),
      },
      whenOverdue: 'notify',
    },
    preservation_extension: {
      allowed: true,
      requiredFields: [...DEFAULT_REQUIRED_FIELDS.preservation_extension],
      deadlines: {
        routine: answer(days(1), days(3)),
      },
      preservation: {
        period: days(30),
        extension: days(30),
      },
      whenOverdue: 'notify',
    },
    subscriber_information: {
      allowed: true,
      requiredFields: [...DEFAULT_REQUIRED_FIELDS.subscriber_information],
      deadlines: {
        routine: {
          acknowledge: days(2),
          respond: days(20),
        },
        urgent: answer(hours(8), days(5)),
      },
      whenOverdue: 'notify',
    },
    traffic_data: {
      allowed: true,
      requiredFields: [...DEFAULT_REQUIRED_FIELDS.traffic_data],
      deadlines: {
        routine: {
          acknowledge: days(2),
          respond: days(45),
        },
      },
      whenOverdue: 'notify',
    },
    content: {
      allowed: true,
      requiredFields: [...DEFAULT_REQUIRED_FIELDS.content],
      deadlines: {
        routine: {
          acknowledge: days(2),
          respond: days(60),
        },
      },
      whenOverdue: 'notify',
    },
    emergency_disclosure: {
      allowed: true,
      requiredFields: [...DEFAULT_REQUIRED_FIELDS.emergency_disclosure],
      deadlines: {
        emergency: {
          acknowledge: hours(1),
          respond: hours(24),
        },
      },
      whenOverdue: 'hotline',
    },
    mutual_legal_assistance: {
      allowed: true,
      requiredFields: [...DEFAULT_REQUIRED_FIELDS.mutual_legal_assistance],
      deadlines: {
        routine: {
          acknowledge: days(5),
          respond: days(90),
        },
      },
      whenOverdue: 'notify',
    },
    takedown: {
      allowed: true,
      requiredFields: [...DEFAULT_REQUIRED_FIELDS.takedown],
      deadlines: {
        routine: answer(days(1), days(5)),
        urgent: answer(hours(2), days(1)),
      },
      whenOverdue: 'notify',
    },
    incident_assistance: {
      allowed: true,
      requiredFields: [...DEFAULT_REQUIRED_FIELDS.incident_assistance],
      deadlines: {
        routine: answer(days(1), days(7)),
        urgent: answer(hours(2), days(2)),
        emergency: {
          acknowledge: hours(1),
          respond: hours(12),
        },
      },
      whenOverdue: 'hotline',
    },
  },
};
