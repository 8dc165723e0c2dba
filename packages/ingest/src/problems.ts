import type { StructuralProblem } from './types.js';

export const MAX_PROBLEMS = 1000;

/** Collects problems, keeping the first MAX_PROBLEMS and counting the rest. */
export class ProblemList {
  private readonly items: StructuralProblem[] = [];
  private omitted = 0;

  add(problem: StructuralProblem): void {
    if (this.items.length < MAX_PROBLEMS) this.items.push(problem);
    else this.omitted += 1;
  }

  /** Forgets every problem added so far. */
  clear(): void {
    this.items.length = 0;
    this.omitted = 0;
  }

  /** How many problems were added, listed or not. */
  get count(): number {
    return this.items.length + this.omitted;
  }

  toArray(): StructuralProblem[] {
    if (this.omitted === 0) return [...this.items];
    const more = `and ${this.omitted} more problem${this.omitted === 1 ? '' : 's'} not listed`;
    return [...this.items, { sheet: null, row: null, column: null, message: more }];
  }
}
