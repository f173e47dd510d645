import { hashPassword } from '../api/auth.js';
import { UserError } from '../errors.js';

export async function hashPasswordCommand(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    console.log('Usage: echo -n <password> | aes67 hash-password [--json]\n\nPrints the scrypt hash to put in auth.passwordHash.');
    return 0;
  }
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const pw = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (pw.length < 8) throw new UserError('the password must have at least 8 characters');
  const hash = await hashPassword(pw);
  console.log(argv.includes('--json') ? JSON.stringify({ passwordHash: hash }) : hash);
  return 0;
}
