/**
 * Parsers of the CLI's option values: a bad value is refused by commander in words, naming the option.
 */
import { InvalidArgumentError } from 'commander';

export const seconds = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number of seconds above 0');
  return n;
};

export const portNumber = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number, 0 to 65535');
  return n;
};

export const count = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 100_000)
    throw new InvalidArgumentError('expected a whole number, 1 to 100000');
  return n;
};
