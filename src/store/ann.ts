/** Moved to src/annotate/ann.ts (kept as a re-export for existing imports). */
export * from '../annotate/ann.js';
