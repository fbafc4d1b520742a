import type { FeatureFactory } from '../module.js';
import * as noteThreads from './migrations/2026_12_03_1300_note_threads.js';
import { noteMessages } from './notes.messages.js';
import { registerNoteSearch } from './notes.search.js';
import { registerNotesRoutes } from './notes.routes.js';
import { NotesService } from './notes.service.js';

declare module '../module.js' {
  interface FeatureServices {
    notes: NotesService;
  }
}

/** `liaison.note`: short texts between nodes. */
export const notesModule: FeatureFactory = (ctx) => {
  const search = ctx.use('search');
  registerNoteSearch(search);
  const notes = new NotesService({ ...ctx, search });
  return {
    name: 'notes',
    migrations: { '2026_12_03_1300_note_threads': noteThreads },
    services: { notes },
    kinds: noteMessages(ctx.clock, ctx.bus, search),
    routes: (app) => registerNotesRoutes(app, notes),
  };
};
