import type { ArrangementTerms } from './schemas/arrangements.js';

/**
 * The arrangement that applies between two nodes until they accept one of their own: built
 * from the Council of Europe T-CY templates for preservation (Budapest Convention, Art. 29
 * and 30) and for subscriber information (Art. 31), with the clocks below. Every figure
 * here is a starting point the sides change by proposing and accepting a new version.
 */
const tcyPreservation = [
  'requesting_authority',
  'reference_number',
  'offence',
  'brief_facts',
  'data_requested',
  'relation_to_offence',
  'custodian_location',
  'preservation_reason',
  'mla_to_follow',
  'confirmation_contact',
] as const;

export const DEFAULT_ARRANGEMENT: ArrangementTerms = {
  title: 'Default arrangement (Council of Europe T-CY templates)',
  languages: ['en', 'zh'],
  dueSoonPercent: 75,
  requestTypes: {
    preservation: {
      allowed: true,
      requiredFields: [...tcyPreservation],
      deadlines: {
        routine: { acknowledge: { amount: 1, unit: 'days' }, respond: { amount: 3, unit: 'days' } },
        urgent: { acknowledge: { amount: 4, unit: 'hours' }, respond: { amount: 1, unit: 'days' } },
      },
      preservation: {
        period: { amount: 60, unit: 'days' },
        extension: { amount: 30, unit: 'days' },
      },
      whenOverdue: 'notify',
    },
    preservation_extension: {
      allowed: true,
      requiredFields: [
        'requesting_authority',
        'reference_number',
        'data_requested',
        'preservation_reason',
      ],
      deadlines: {
        routine: { acknowledge: { amount: 1, unit: 'days' }, respond: { amount: 3, unit: 'days' } },
      },
      preservation: {
        period: { amount: 30, unit: 'days' },
        extension: { amount: 30, unit: 'days' },
      },
      whenOverdue: 'notify',
    },
    subscriber_information: {
      allowed: true,
      requiredFields: [
        'requesting_authority',
        'reference_number',
        'offence',
        'brief_facts',
        'identifiers',
        'time_range',
        'relation_to_offence',
        'confirmation_contact',
      ],
      deadlines: {
        routine: {
          acknowledge: { amount: 2, unit: 'days' },
          respond: { amount: 20, unit: 'days' },
        },
        urgent: { acknowledge: { amount: 8, unit: 'hours' }, respond: { amount: 5, unit: 'days' } },
      },
      whenOverdue: 'notify',
    },
    traffic_data: {
      allowed: true,
      requiredFields: [
        'requesting_authority',
        'reference_number',
        'offence',
        'brief_facts',
        'identifiers',
        'time_range',
        'relation_to_offence',
        'legal_basis',
      ],
      deadlines: {
        routine: {
          acknowledge: { amount: 2, unit: 'days' },
          respond: { amount: 45, unit: 'days' },
        },
      },
      whenOverdue: 'notify',
    },
    content: {
      allowed: true,
      requiredFields: [
        'requesting_authority',
        'reference_number',
        'offence',
        'brief_facts',
        'data_requested',
        'legal_basis',
      ],
      deadlines: {
        routine: {
          acknowledge: { amount: 2, unit: 'days' },
          respond: { amount: 60, unit: 'days' },
        },
      },
      whenOverdue: 'notify',
    },
    emergency_disclosure: {
      allowed: true,
      requiredFields: [
        'requesting_authority',
        'threat_to_life',
        'data_requested',
        'identifiers',
        'confirmation_contact',
      ],
      deadlines: {
        emergency: {
          acknowledge: { amount: 1, unit: 'hours' },
          respond: { amount: 24, unit: 'hours' },
        },
      },
      whenOverdue: 'hotline',
    },
    mutual_legal_assistance: {
      allowed: true,
      requiredFields: [
        'requesting_authority',
        'reference_number',
        'offence',
        'brief_facts',
        'data_requested',
        'legal_basis',
      ],
      deadlines: {
        routine: {
          acknowledge: { amount: 5, unit: 'days' },
          respond: { amount: 90, unit: 'days' },
        },
      },
      whenOverdue: 'notify',
    },
    takedown: {
      allowed: true,
      requiredFields: [
        'requesting_authority',
        'reference_number',
        'takedown_target',
        'brief_facts',
      ],
      deadlines: {
        routine: { acknowledge: { amount: 1, unit: 'days' }, respond: { amount: 5, unit: 'days' } },
        urgent: { acknowledge: { amount: 2, unit: 'hours' }, respond: { amount: 1, unit: 'days' } },
      },
      whenOverdue: 'notify',
    },
    incident_assistance: {
      allowed: true,
      requiredFields: ['requesting_authority', 'incident_description', 'confirmation_contact'],
      deadlines: {
        routine: { acknowledge: { amount: 1, unit: 'days' }, respond: { amount: 7, unit: 'days' } },
        urgent: { acknowledge: { amount: 2, unit: 'hours' }, respond: { amount: 2, unit: 'days' } },
        emergency: {
          acknowledge: { amount: 1, unit: 'hours' },
          respond: { amount: 12, unit: 'hours' },
        },
      },
      whenOverdue: 'hotline',
    },
  },
};
