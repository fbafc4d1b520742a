/** What other features may use of notes. */
export type { NotesService } from './notes.service.js';
export type { ExerciseNote, ExerciseNoteEvent } from './notes.exercise.js';
