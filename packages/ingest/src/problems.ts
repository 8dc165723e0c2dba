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

  /**
   * Adds a problem of a line found after later lines were read (a duplicate reading, checked a
   * batch at a time): it goes after the problems of its line and the lines before, so the list
   * and the count are what adding every problem in line order would have made them.
   */
  addAtLine(problem: StructuralProblem & { row: number }): void {
    let at = this.items.length;
    while (at > 0 && (this.items[at - 1]?.row ?? Infinity) > problem.row) at--;
    if (at >= MAX_PROBLEMS) {
      this.omitted += 1;
      return;
    }
    this.items.splice(at, 0, problem);
    if (this.items.length > MAX_PROBLEMS) {
      this.items.pop();
      this.omitted += 1;
    }
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
