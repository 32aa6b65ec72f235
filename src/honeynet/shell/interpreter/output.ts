/** Where a command's output goes: the terminal, a pipe, a file being written, or nowhere. */
export interface Sink {
  write(text: string): void;
}

/** Collects text up to a byte budget; the rest is dropped and `truncated` is set (bounded memory per command). */
export class BoundedBuffer implements Sink {
  private chunks: string[] = [];
  private length = 0;
  truncated = false;

  constructor(private readonly limit: number) {}

  write(text: string): void {
    if (text.length === 0) return;
    const room = this.limit - this.length;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const piece = text.length > room ? text.slice(0, room) : text;
    if (piece.length < text.length) this.truncated = true;
    this.chunks.push(piece);
    this.length += piece.length;
  }

  get text(): string {
    if (this.chunks.length > 1) this.chunks = [this.chunks.join('')];
    return this.chunks[0] ?? '';
  }

  get size(): number {
    return this.length;
  }
}

export const NULL_SINK: Sink = { write: () => undefined };
