import type { Paint } from '../colours.ts';

/** Prints the demo's steps readably and counts its checks. */
export class Report {
  #checks = 0;
  #failures = 0;
  readonly #write: (line: string) => void;
  readonly #paint: Paint;

  constructor(write: (line: string) => void, paint: Paint) {
    this.#write = write;
    this.#paint = paint;
  }

  get checks(): number {
    return this.#checks;
  }

  get failures(): number {
    return this.#failures;
  }

  /** A heading for one scenario. */
  section(title: string): void {
    this.#write('');
    this.#write(this.#paint('bold', title));
  }

  /** A line that explains rather than checks. */
  note(text: string): void {
    this.#write(`  ${this.#paint('grey', text)}`);
  }

  /** One expectation: `✓ text` when it held, `✗ text` and the reason when not. Returns `passed`. */
  check(passed: boolean, text: string, whyNot?: string): boolean {
    this.#checks += 1;
    if (passed) {
      this.#write(`  ${this.#paint('green', '✓')} ${text}`);
    } else {
      this.#failures += 1;
      this.#write(
        `  ${this.#paint('red', '✗')} ${text}${whyNot ? `\n      ${this.#paint('red', whyNot)}` : ''}`,
      );
    }
    return passed;
  }

  /** The closing line. */
  summary(): void {
    this.#write('');
    this.#write(
      this.#failures === 0
        ? this.#paint('green', `All ${this.#checks} checks passed.`)
        : this.#paint('red', `${this.#failures} of ${this.#checks} checks failed.`),
    );
  }
}
