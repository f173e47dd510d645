import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** An issue at the root of a union branch only says "not this branch" (a string where an object goes). */
const mismatch = (branch: Issue[]): boolean => branch.every((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value'));

/**
 * The issue to report for a failed parse. A union that no branch matched reports "Invalid input" with
 * every branch's issues inside; when one branch got past the shape (the value was an object with a
 * known kind), its first issue says what is actually wrong, with its path continued from the union's.
 */
export function firstIssue(error: z.ZodError): Issue {
  let issue: Issue = error.issues[0];
  while (issue.code === 'invalid_union') {
    const branch = issue.errors.find((b) => b.length > 0 && !mismatch(b));
    if (!branch) break;
    issue = { ...branch[0], path: [...issue.path, ...branch[0].path] };
  }
  return issue;
}
