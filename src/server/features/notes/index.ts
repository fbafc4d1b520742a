import type { FeatureFactory } from '../module.js';
import * as noteThreads from './migrations/2026_12_03_1300_note_threads.js';
import * as exerciseMarker from './migrations/2026_12_10_1011_notes_exercise.js';
import { ExerciseNoteHooks } from './notes.exercise.js';
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
  // Exercises hear of their notes through these hooks (notes never name them).
  const exercise = new ExerciseNoteHooks();
  const notes = new NotesService({ ...ctx, search, exercise });
  return {
    name: 'notes',
    migrations: {
      '2026_12_03_1300_note_threads': noteThreads,
      '2026_12_10_1011_notes_exercise': exerciseMarker,
    },
    services: { notes },
    kinds: noteMessages(ctx.clock, ctx.bus, search, exercise),
    routes: (app) => registerNotesRoutes(app, notes),
  };
};
