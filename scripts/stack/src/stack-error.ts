/** An expected reason the stack cannot start; its message is the one line the user needs. */
export class StackError extends Error {
  override readonly name = 'StackError';
}
