/** In-process progress lines of a running access review (the CLI prints them on stderr). */
import { EventEmitter } from 'node:events';

export const accessReviewProgress = new EventEmitter();

export function emitReviewProgress(line: string): void {
  accessReviewProgress.emit('line', line);
}
