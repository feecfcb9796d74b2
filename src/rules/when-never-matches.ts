/**
 * Operands that load fine yet make a clause hold for no event, so the rule never fires and nothing
 * says why. Returned as the warning text, with what to write instead.
 */
export function neverMatches(op: string, operand: unknown, owner: Readonly<Record<string, unknown>>): string | undefined {
  if (op === '$in' && Array.isArray(operand) && operand.length === 0) {
    return '$in: [] holds for no value, so this rule never fires; list the values to accept (or drop the clause)';
  }
  if (op === '$regex' && typeof operand === 'string' && owner.$options === undefined) {
    // `/main/i` is how JavaScript writes a pattern; here it is the text "/main/i" itself.
    const literal = /^\/(.+)\/([gimsuy]+)$/.exec(operand);
    if (literal) {
      const flags = (literal[2] ?? '').replace(/[gy]/g, '');
      const options = flags ? `, $options: "${flags}"` : '';
      return `"${operand}" matches the text /…/${literal[2] ?? ''} itself, slashes included: write $regex: "${literal[1] ?? ''}"${options}`;
    }
  }
  return undefined;
}
